;; segloss SIMD kernels: the hot loops of the fused Segloss* kernels as 128-bit WebAssembly SIMD.
;;
;; Hand-written; `scripts/wasm.mjs` compiles it at build time (wabt) into
;; src/kernels/simd/binary.generated.ts. The module imports the memory it works on — the wasm
;; backend's own heap, so tensors are read and written in place — and keeps no state there: every
;; pointer is a byte address given by the caller, sums come back in the exported globals s0..s5.
;;
;; Conventions
;; - Vectors are f32x4. Sums are taken in f32x4 over blocks of 64 elements and carried in f64
;;   across blocks, so a sum over 10⁶ elements is as exact as the float32 data.
;; - The sigmoid kernels take n, a multiple of 4, of contiguous elements; the caller does the
;;   remainder (at most 3 elements) in JavaScript. The lane kernels take channels-last data with C
;;   a multiple of 4: each vector is four classes of one pixel, and sums are kept per lane.
;; - The softmax kernels walk one image of a channels-last prediction, pixel by pixel, C channels
;;   in ⌈C/4⌉ chunks; the last chunk is read and written lane by lane when C is not a multiple of 4,
;;   so nothing outside the tensors is touched.
;; - exp, log, log1p are float32 approximations good to about 1 ulp (see each function).
;; - Helpers are inlined at build time (scripts/watInline.mjs), except those named $call.*, which
;;   run once per pixel rather than per element and stay calls to keep the module small.
(module
  ;; Bounded, as the wasm backend's heap is; the shared variant (the threaded backend's heap) is this
  ;; binary with the import's limits flag set to shared (simdKernels.ts).
  (import "env" "memory" (memory 1 65536))

  (global $s0 (export "s0") (mut f64) (f64.const 0))
  (global $s1 (export "s1") (mut f64) (f64.const 0))
  (global $s2 (export "s2") (mut f64) (f64.const 0))
  (global $s3 (export "s3") (mut f64) (f64.const 0))
  (global $s4 (export "s4") (mut f64) (f64.const 0))
  (global $s5 (export "s5") (mut f64) (f64.const 0))

  ;; ---------------------------------------------------------------------------------------------
  ;; Shared maths

  ;; eˣ = 2ⁿ·e^r with n = round(x·log₂e), r = x − n·ln 2 (ln 2 in two parts), e^r by the degree-6
  ;; minimax polynomial of Cephes' expf (|r| ≤ ½ln 2, about 1 ulp). x is clamped to
  ;; [−87.33, 88] (below, the result is ≈ 1.2e−38 instead of a denormal); NaN stays NaN (pmin/pmax
  ;; keep their first operand when a comparison fails). n is rounded by adding 1.5·2²³, which also
  ;; leaves n in the low bits, so 2ⁿ = (bits << 23) + bits(1.0).
  (func $exp (param $x v128) (result v128)
    (local $t v128) (local $n v128) (local $r v128) (local $q v128)
    (local.set $x
      (f32x4.pmin
        (f32x4.pmax (local.get $x) (v128.const f32x4 -87.33 -87.33 -87.33 -87.33))
        (v128.const f32x4 88 88 88 88)))
    (local.set $t
      (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504 1.44269504 1.44269504 1.44269504))
                 (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $n (f32x4.sub (local.get $t) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $q (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $q (f32x4.add (f32x4.mul (local.get $q) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; e^r = 1 + r + r²·q
    (local.set $q
      (f32x4.add
        (f32x4.add (f32x4.mul (f32x4.mul (local.get $q) (local.get $r)) (local.get $r)) (local.get $r))
        (v128.const f32x4 1 1 1 1)))
    (f32x4.mul
      (local.get $q)
      (i32x4.add (i32x4.shl (local.get $t) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000))))

  ;; log(1 + e) for e in [0, 1]: 2·atanh(z), z = e / (2 + e) ∈ [0, ⅓], by its odd series to z¹⁵
  ;; (first term left out < 1.5e−8 relative; exact for tiny e).
  (func $log1pUnit (param $e v128) (result v128)
    (local $z v128) (local $z2 v128) (local $s v128)
    (local.set $z (f32x4.div (local.get $e) (f32x4.add (local.get $e) (v128.const f32x4 2 2 2 2))))
    (local.set $z2 (f32x4.mul (local.get $z) (local.get $z)))
    (local.set $s (v128.const f32x4 0.0666666667 0.0666666667 0.0666666667 0.0666666667))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.0769230769 0.0769230769 0.0769230769 0.0769230769)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.0909090909 0.0909090909 0.0909090909 0.0909090909)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.1111111111 0.1111111111 0.1111111111 0.1111111111)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.1428571429 0.1428571429 0.1428571429 0.1428571429)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.2 0.2 0.2 0.2)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.3333333333 0.3333333333 0.3333333333 0.3333333333)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (f32x4.add (local.get $z) (local.get $z)) (local.get $s)))

  ;; log x for positive normal x: x = m·2ᵏ with m ∈ [√½, √2), log m = 2·atanh((m − 1)/(m + 1)) by
  ;; its odd series to z⁹ (|z| ≤ 0.172; first term left out < 3e−9), plus k·ln 2 in two parts.
  (func $log (param $x v128) (result v128)
    (local $k v128) (local $m v128) (local $big v128) (local $z v128) (local $z2 v128) (local $s v128)
    (local.set $k
      (f32x4.convert_i32x4_s
        (i32x4.sub (i32x4.shr_u (local.get $x) (i32.const 23)) (v128.const i32x4 127 127 127 127))))
    (local.set $m
      (v128.or (v128.and (local.get $x) (v128.const i32x4 0x007fffff 0x007fffff 0x007fffff 0x007fffff))
               (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
    ;; m ≥ √2: halve m, k + 1
    (local.set $big (f32x4.ge (local.get $m) (v128.const f32x4 1.41421356 1.41421356 1.41421356 1.41421356)))
    (local.set $m (v128.bitselect (f32x4.mul (local.get $m) (v128.const f32x4 0.5 0.5 0.5 0.5)) (local.get $m) (local.get $big)))
    (local.set $k (f32x4.add (local.get $k) (v128.and (local.get $big) (v128.const f32x4 1 1 1 1))))
    (local.set $z
      (f32x4.div (f32x4.sub (local.get $m) (v128.const f32x4 1 1 1 1))
                 (f32x4.add (local.get $m) (v128.const f32x4 1 1 1 1))))
    (local.set $z2 (f32x4.mul (local.get $z) (local.get $z)))
    (local.set $s (v128.const f32x4 0.1111111111 0.1111111111 0.1111111111 0.1111111111))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.1428571429 0.1428571429 0.1428571429 0.1428571429)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.2 0.2 0.2 0.2)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 0.3333333333 0.3333333333 0.3333333333 0.3333333333)))
    (local.set $s (f32x4.add (f32x4.mul (local.get $s) (local.get $z2)) (v128.const f32x4 1 1 1 1)))
    (f32x4.add
      (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))
      (f32x4.add
        (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))
        (f32x4.mul (f32x4.add (local.get $z) (local.get $z)) (local.get $s)))))

  ;; σ(x) = 1/(1 + e^(−x)) from e = e^(−|x|): (x ≥ 0 ? 1 : e) / (1 + e).
  (func $sigmoidFrom (param $x v128) (param $e v128) (result v128)
    (f32x4.div
      (v128.bitselect (v128.const f32x4 1 1 1 1) (local.get $e) (f32x4.ge (local.get $x) (v128.const f32x4 0 0 0 0)))
      (f32x4.add (v128.const f32x4 1 1 1 1) (local.get $e))))

  ;; e^(−|x|)
  (func $expNegAbs (param $x v128) (result v128)
    (call $exp (f32x4.neg (f32x4.abs (local.get $x)))))

  ;; max(q, 0)^γ as `safePow` defines it: mode 0: γ = 0 (1), 1: γ = 1, 2: γ = 2, 3: any γ > 0
  ;; (exp(γ·log q), 0 where q ≤ 0).
  (func $pow (param $q v128) (param $gamma f32) (param $mode i32) (result v128)
    (local.set $q (f32x4.max (local.get $q) (v128.const f32x4 0 0 0 0)))
    (if (result v128) (i32.eq (local.get $mode) (i32.const 2))
      (then (f32x4.mul (local.get $q) (local.get $q)))
      (else
        (if (result v128) (i32.eq (local.get $mode) (i32.const 1))
          (then (local.get $q))
          (else
            (if (result v128) (i32.eqz (local.get $mode))
              (then (v128.const f32x4 1 1 1 1))
              (else
                (v128.and
                  (call $exp (f32x4.mul (call $log (local.get $q)) (f32x4.splat (local.get $gamma))))
                  (f32x4.gt (local.get $q) (v128.const f32x4 0 0 0 0))))))))))

  ;; γ·max(q, 0)^(γ−1), the slope of $pow (0 where q ≤ 0 or γ = 0); `pow` is $pow's value.
  (func $powSlope (param $q v128) (param $pow v128) (param $gamma f32) (param $mode i32) (result v128)
    (local.set $q (f32x4.max (local.get $q) (v128.const f32x4 0 0 0 0)))
    (if (result v128) (i32.eq (local.get $mode) (i32.const 2))
      (then (f32x4.add (local.get $q) (local.get $q)))
      (else
        (if (result v128) (i32.eq (local.get $mode) (i32.const 1))
          (then (v128.and (v128.const f32x4 1 1 1 1) (f32x4.gt (local.get $q) (v128.const f32x4 0 0 0 0))))
          (else
            (if (result v128) (i32.eqz (local.get $mode))
              (then (v128.const f32x4 0 0 0 0))
              (else
                (v128.and
                  (f32x4.div (f32x4.mul (local.get $pow) (f32x4.splat (local.get $gamma))) (local.get $q))
                  (f32x4.gt (local.get $q) (v128.const f32x4 0 0 0 0))))))))))

  ;; The four lanes of v as two float64 pairs, added: (v0 + v2, v1 + v3).
  (func $wide (param $v v128) (result v128)
    (f64x2.add
      (f64x2.promote_low_f32x4 (local.get $v))
      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))

  (func $hsum2 (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; Every lane set to the lanes' maximum / sum.
  (func $hmax (param $v v128) (result v128)
    (local.set $v (f32x4.max (local.get $v) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (f32x4.max (local.get $v) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $v) (local.get $v))))
  (func $hsum (param $v v128) (result v128)
    (local.set $v (f32x4.add (local.get $v) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
    (f32x4.add (local.get $v) (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $v) (local.get $v))))

  (func $blockEnd (param $ptr i32) (param $end i32) (result i32)
    (select (i32.add (local.get $ptr) (i32.const 256)) (local.get $end)
            (i32.lt_u (i32.add (local.get $ptr) (i32.const 256)) (local.get $end))))

;; Lanes whose target is not the ignore index: all ones where t ≠ ignore, or everywhere when
  ;; `any` is all ones (no ignore index). A NaN target counts as valid, as in the JavaScript loops.
  (func $validMask (param $tv v128) (param $ig v128) (param $any v128) (result v128)
    (v128.or (f32x4.ne (local.get $tv) (local.get $ig)) (local.get $any)))

  ;; The per-element terms of the sigmoid family (e = e^(−|x|), p = σ(x); t̃ = t·a + b is the
  ;; smoothed target with a = 1 − ε, b = ε/2; αt = t·a1 + a0).

  ;; bce = softplus(x)·(w₊·t̃ + w₋·(1 − t̃)) − w₊·t̃·x, softplus(x) = max(x, 0) + log1p(e^(−|x|))
  (func $bceTerm (param $xv v128) (param $tv v128) (param $e v128) (param $wp v128) (param $wn v128) (param $a v128) (param $b v128) (result v128)
    (local $ts v128)
    (local.set $ts (f32x4.add (f32x4.mul (local.get $tv) (local.get $a)) (local.get $b)))
    (f32x4.sub
      (f32x4.mul
        (f32x4.add (f32x4.max (local.get $xv) (v128.const f32x4 0 0 0 0)) (call $log1pUnit (local.get $e)))
        (f32x4.add (f32x4.mul (local.get $wp) (local.get $ts))
                   (f32x4.mul (local.get $wn) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $ts)))))
      (f32x4.mul (f32x4.mul (local.get $wp) (local.get $ts)) (local.get $xv))))

  ;; ∂bce/∂x = (w₊·t̃ + w₋·(1 − t̃))·p − w₊·t̃
  (func $bceSlope (param $tv v128) (param $pv v128) (param $wp v128) (param $wn v128) (param $a v128) (param $b v128) (result v128)
    (local $ts v128)
    (local.set $ts (f32x4.add (f32x4.mul (local.get $tv) (local.get $a)) (local.get $b)))
    (f32x4.sub
      (f32x4.mul
        (f32x4.add (f32x4.mul (local.get $wp) (local.get $ts))
                   (f32x4.mul (local.get $wn) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $ts))))
        (local.get $pv))
      (f32x4.mul (local.get $wp) (local.get $ts))))

  ;; ce = softplus(x) − t·x
  (func $ceTerm (param $xv v128) (param $tv v128) (param $e v128) (result v128)
    (f32x4.sub
      (f32x4.add (f32x4.max (local.get $xv) (v128.const f32x4 0 0 0 0)) (call $log1pUnit (local.get $e)))
      (f32x4.mul (local.get $tv) (local.get $xv))))

  ;; q = p + t − 2pt
  (func $focalQ (param $pv v128) (param $tv v128) (result v128)
    (f32x4.sub (f32x4.add (local.get $pv) (local.get $tv))
               (f32x4.mul (f32x4.add (local.get $pv) (local.get $pv)) (local.get $tv))))

  ;; focal = q^γ·ce·αt
  (func $focalTerm (param $xv v128) (param $tv v128) (param $pv v128) (param $e v128) (param $gamma f32) (param $mode i32) (param $va1 v128) (param $va0 v128) (result v128)
    (f32x4.mul
      (f32x4.mul (call $pow (call $focalQ (local.get $pv) (local.get $tv)) (local.get $gamma) (local.get $mode))
                 (call $ceTerm (local.get $xv) (local.get $tv) (local.get $e)))
      (f32x4.add (f32x4.mul (local.get $tv) (local.get $va1)) (local.get $va0))))

  ;; ∂focal/∂x = αt·(γq^(γ−1)·(1 − 2t)·p(1 − p)·ce + q^γ·(p − t))
  (func $focalSlope (param $xv v128) (param $tv v128) (param $pv v128) (param $e v128) (param $gamma f32) (param $mode i32) (param $va1 v128) (param $va0 v128) (result v128)
    (local $q v128) (local $pw v128)
    (local.set $q (call $focalQ (local.get $pv) (local.get $tv)))
    (local.set $pw (call $pow (local.get $q) (local.get $gamma) (local.get $mode)))
    (f32x4.mul
      (f32x4.add (f32x4.mul (local.get $tv) (local.get $va1)) (local.get $va0))
      (f32x4.add
        (f32x4.mul
          (f32x4.mul (call $powSlope (local.get $q) (local.get $pw) (local.get $gamma) (local.get $mode))
                     (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.add (local.get $tv) (local.get $tv))))
          (f32x4.mul
            (f32x4.mul (local.get $pv) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $pv)))
            (call $ceTerm (local.get $xv) (local.get $tv) (local.get $e))))
        (f32x4.mul (local.get $pw) (f32x4.sub (local.get $pv) (local.get $tv))))))

    ;; ---------------------------------------------------------------------------------------------
  ;; Sigmoid family (binary and multilabel), n contiguous elements of one (image, channel) group.

  ;; From logits x and targets t: p = σ(x) written to p; s0 = Σ p·t, s1 = Σ p, s2 = Σ t.
  (func (export "sigmoidRegion") (param $x i32) (param $t i32) (param $p i32) (param $n i32) (param $hasIgnore i32) (param $ignore f32)
    (local $end i32) (local $stop i32)
    (local $xv v128) (local $tv v128) (local $pv v128)
    (local $aI v128) (local $aP v128) (local $aT v128)
    (local $dI v128) (local $dP v128) (local $dT v128) (local $aN v128) (local $dN v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $stop (call $blockEnd (local.get $x) (local.get $end)))
        (local.set $aI (v128.const i32x4 0 0 0 0))
        (local.set $aP (v128.const i32x4 0 0 0 0))
        (local.set $aT (v128.const i32x4 0 0 0 0))
        (local.set $aN (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $xv (v128.load (local.get $x)))
          (local.set $tv (v128.load (local.get $t)))
          (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
          (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
          (local.set $pv (v128.and (call $sigmoidFrom (local.get $xv) (call $expNegAbs (local.get $xv))) (local.get $vm)))
          (local.set $aN (f32x4.add (local.get $aN) (v128.and (local.get $vm) (v128.const f32x4 1 1 1 1))))
          (v128.store (local.get $p) (local.get $pv))
          (local.set $aI (f32x4.add (local.get $aI) (f32x4.mul (local.get $pv) (local.get $tv))))
          (local.set $aP (f32x4.add (local.get $aP) (local.get $pv)))
          (local.set $aT (f32x4.add (local.get $aT) (local.get $tv)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br_if $inner (i32.lt_u (local.get $x) (local.get $stop))))
        (local.set $dI (f64x2.add (local.get $dI) (call $wide (local.get $aI))))
        (local.set $dP (f64x2.add (local.get $dP) (call $wide (local.get $aP))))
        (local.set $dT (f64x2.add (local.get $dT) (call $wide (local.get $aT))))
        (local.set $dN (f64x2.add (local.get $dN) (call $wide (local.get $aN))))
        (br $blocks)))
    (global.set $s0 (call $hsum2 (local.get $dI)))
    (global.set $s1 (call $hsum2 (local.get $dP)))
    (global.set $s2 (call $hsum2 (local.get $dT)))
    (global.set $s3 (call $hsum2 (local.get $dN))))

;; From probabilities x = p (fromLogits false): s0 = Σ p·t, s1 = Σ p, s2 = Σ t, s3 = valid count;
  ;; nothing written (the backward pass reads x itself).
  (func (export "regionProbs") (param $x i32) (param $t i32) (param $n i32) (param $hasIgnore i32) (param $ignore f32)
    (local $end i32) (local $stop i32)
    (local $tv v128) (local $pv v128)
    (local $aI v128) (local $aP v128) (local $aT v128) (local $aN v128)
    (local $dI v128) (local $dP v128) (local $dT v128) (local $dN v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $stop (call $blockEnd (local.get $x) (local.get $end)))
        (local.set $aI (v128.const i32x4 0 0 0 0))
        (local.set $aP (v128.const i32x4 0 0 0 0))
        (local.set $aT (v128.const i32x4 0 0 0 0))
        (local.set $aN (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $tv (v128.load (local.get $t)))
          (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
          (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
          (local.set $pv (v128.and (v128.load (local.get $x)) (local.get $vm)))
          (local.set $aI (f32x4.add (local.get $aI) (f32x4.mul (local.get $pv) (local.get $tv))))
          (local.set $aP (f32x4.add (local.get $aP) (local.get $pv)))
          (local.set $aT (f32x4.add (local.get $aT) (local.get $tv)))
          (local.set $aN (f32x4.add (local.get $aN) (v128.and (local.get $vm) (v128.const f32x4 1 1 1 1))))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br_if $inner (i32.lt_u (local.get $x) (local.get $stop))))
        (local.set $dI (f64x2.add (local.get $dI) (call $wide (local.get $aI))))
        (local.set $dP (f64x2.add (local.get $dP) (call $wide (local.get $aP))))
        (local.set $dT (f64x2.add (local.get $dT) (call $wide (local.get $aT))))
        (local.set $dN (f64x2.add (local.get $dN) (call $wide (local.get $aN))))
        (br $blocks)))
    (global.set $s0 (call $hsum2 (local.get $dI)))
    (global.set $s1 (call $hsum2 (local.get $dP)))
    (global.set $s2 (call $hsum2 (local.get $dT)))
    (global.set $s3 (call $hsum2 (local.get $dN))))

  ;; Gradient of regionProbs: dx = gI·t + gP (0 where ignored).
  (func (export "regionProbsGrad") (param $t i32) (param $dx i32) (param $n i32) (param $gI f32) (param $gP f32)
    (param $hasIgnore i32) (param $ignore f32)
    (local $end i32) (local $tv v128) (local $vm v128) (local $ig v128) (local $any v128) (local $vgI v128) (local $vgP v128)
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $vgI (f32x4.splat (local.get $gI)))
    (local.set $vgP (f32x4.splat (local.get $gP)))
    (local.set $end (i32.add (local.get $t) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $tv (v128.load (local.get $t)))
        (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
        (v128.store (local.get $dx)
          (v128.and (local.get $vm) (f32x4.add (f32x4.mul (local.get $vgI) (local.get $tv)) (local.get $vgP))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $next))))

    ;; As sigmoidRegion, plus s4 = Σ bce with weights w₊, w₋ and label smoothing ε
  ;; (t̃ = t·(1 − ε) + ε/2): bce = softplus(x)·(w₊·t̃ + w₋·(1 − t̃)) − w₊·t̃·x, one exp per element.
  (func (export "sigmoidRegionBce") (param $x i32) (param $t i32) (param $p i32) (param $n i32)
    (param $wPos f32) (param $wNeg f32) (param $smoothing f32) (param $hasIgnore i32) (param $ignore f32)
    (local $end i32) (local $stop i32)
    (local $xv v128) (local $tv v128) (local $pv v128) (local $e v128)
    (local $wp v128) (local $wn v128) (local $a v128) (local $b v128)
    (local $aI v128) (local $aP v128) (local $aT v128) (local $aB v128)
    (local $dI v128) (local $dP v128) (local $dT v128) (local $dB v128) (local $aN v128) (local $dN v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $wp (f32x4.splat (local.get $wPos)))
    (local.set $wn (f32x4.splat (local.get $wNeg)))
    (local.set $a (f32x4.splat (f32.sub (f32.const 1) (local.get $smoothing))))
    (local.set $b (f32x4.splat (f32.mul (local.get $smoothing) (f32.const 0.5))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $stop (call $blockEnd (local.get $x) (local.get $end)))
        (local.set $aI (v128.const i32x4 0 0 0 0))
        (local.set $aP (v128.const i32x4 0 0 0 0))
        (local.set $aT (v128.const i32x4 0 0 0 0))
        (local.set $aB (v128.const i32x4 0 0 0 0))
        (local.set $aN (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $xv (v128.load (local.get $x)))
          (local.set $tv (v128.load (local.get $t)))
          (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
          (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
          (local.set $e (call $expNegAbs (local.get $xv)))
          (local.set $pv (v128.and (call $sigmoidFrom (local.get $xv) (local.get $e)) (local.get $vm)))
          (local.set $aN (f32x4.add (local.get $aN) (v128.and (local.get $vm) (v128.const f32x4 1 1 1 1))))
          (v128.store (local.get $p) (local.get $pv))
          (local.set $aB
            (f32x4.add (local.get $aB)
              (v128.and (call $bceTerm (local.get $xv) (local.get $tv) (local.get $e) (local.get $wp) (local.get $wn) (local.get $a) (local.get $b)) (local.get $vm))))
          (local.set $aI (f32x4.add (local.get $aI) (f32x4.mul (local.get $pv) (local.get $tv))))
          (local.set $aP (f32x4.add (local.get $aP) (local.get $pv)))
          (local.set $aT (f32x4.add (local.get $aT) (local.get $tv)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br_if $inner (i32.lt_u (local.get $x) (local.get $stop))))
        (local.set $dI (f64x2.add (local.get $dI) (call $wide (local.get $aI))))
        (local.set $dP (f64x2.add (local.get $dP) (call $wide (local.get $aP))))
        (local.set $dT (f64x2.add (local.get $dT) (call $wide (local.get $aT))))
        (local.set $dB (f64x2.add (local.get $dB) (call $wide (local.get $aB))))
        (local.set $dN (f64x2.add (local.get $dN) (call $wide (local.get $aN))))
        (br $blocks)))
    (global.set $s0 (call $hsum2 (local.get $dI)))
    (global.set $s1 (call $hsum2 (local.get $dP)))
    (global.set $s2 (call $hsum2 (local.get $dT)))
    (global.set $s4 (call $hsum2 (local.get $dB)))
    (global.set $s3 (call $hsum2 (local.get $dN))))

  ;; Focal loss from logits: s0..s2 as sigmoidRegion (p is not written), s5 = Σ q^γ·ce·αt with
  ;; q = p + t − 2pt, ce = softplus(x) − t·x, αt = t·a1 + a0 (a1 = 2α − 1, a0 = 1 − α; or 0, 1).
  (func (export "sigmoidFocal") (param $x i32) (param $t i32) (param $n i32)
    (param $gamma f32) (param $mode i32) (param $a1 f32) (param $a0 f32) (param $hasIgnore i32) (param $ignore f32)
    (local $end i32) (local $stop i32)
    (local $xv v128) (local $tv v128) (local $pv v128) (local $e v128)
    (local $va1 v128) (local $va0 v128)
    (local $aI v128) (local $aP v128) (local $aT v128) (local $aF v128)
    (local $dI v128) (local $dP v128) (local $dT v128) (local $dF v128) (local $aN v128) (local $dN v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $va1 (f32x4.splat (local.get $a1)))
    (local.set $va0 (f32x4.splat (local.get $a0)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $stop (call $blockEnd (local.get $x) (local.get $end)))
        (local.set $aI (v128.const i32x4 0 0 0 0))
        (local.set $aP (v128.const i32x4 0 0 0 0))
        (local.set $aT (v128.const i32x4 0 0 0 0))
        (local.set $aF (v128.const i32x4 0 0 0 0))
        (local.set $aN (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $xv (v128.load (local.get $x)))
          (local.set $tv (v128.load (local.get $t)))
          (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
          (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
          (local.set $e (call $expNegAbs (local.get $xv)))
          (local.set $pv (call $sigmoidFrom (local.get $xv) (local.get $e)))
          (local.set $aN (f32x4.add (local.get $aN) (v128.and (local.get $vm) (v128.const f32x4 1 1 1 1))))
          (local.set $aF
            (f32x4.add (local.get $aF)
              (v128.and
                (call $focalTerm (local.get $xv) (local.get $tv) (local.get $pv) (local.get $e)
                  (local.get $gamma) (local.get $mode) (local.get $va1) (local.get $va0))
                (local.get $vm))))
          (local.set $pv (v128.and (local.get $pv) (local.get $vm)))
          (local.set $aI (f32x4.add (local.get $aI) (f32x4.mul (local.get $pv) (local.get $tv))))
          (local.set $aP (f32x4.add (local.get $aP) (local.get $pv)))
          (local.set $aT (f32x4.add (local.get $aT) (local.get $tv)))
          (local.set $x (i32.add (local.get $x) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 16)))
          (br_if $inner (i32.lt_u (local.get $x) (local.get $stop))))
        (local.set $dI (f64x2.add (local.get $dI) (call $wide (local.get $aI))))
        (local.set $dP (f64x2.add (local.get $dP) (call $wide (local.get $aP))))
        (local.set $dT (f64x2.add (local.get $dT) (call $wide (local.get $aT))))
        (local.set $dF (f64x2.add (local.get $dF) (call $wide (local.get $aF))))
        (local.set $dN (f64x2.add (local.get $dN) (call $wide (local.get $aN))))
        (br $blocks)))
    (global.set $s0 (call $hsum2 (local.get $dI)))
    (global.set $s1 (call $hsum2 (local.get $dP)))
    (global.set $s2 (call $hsum2 (local.get $dT)))
    (global.set $s5 (call $hsum2 (local.get $dF)))
    (global.set $s3 (call $hsum2 (local.get $dN))))

  ;; Gradient of sigmoidRegion(Bce) from the kept p:
  ;; dx = (gI·t + gP)·p(1 − p) + gB·((w₊·t̃ + w₋·(1 − t̃))·p − w₊·t̃).
  (func (export "sigmoidRegionGrad") (param $t i32) (param $p i32) (param $dx i32) (param $n i32)
    (param $gI f32) (param $gP f32) (param $gB f32) (param $wPos f32) (param $wNeg f32) (param $smoothing f32) (param $hasIgnore i32) (param $ignore f32)
    (local $end i32)
    (local $tv v128) (local $pv v128) (local $d v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local $vgI v128) (local $vgP v128) (local $vgB v128) (local $wp v128) (local $wn v128) (local $a v128) (local $b v128)
    (local.set $vgI (f32x4.splat (local.get $gI)))
    (local.set $vgP (f32x4.splat (local.get $gP)))
    (local.set $vgB (f32x4.splat (local.get $gB)))
    (local.set $wp (f32x4.splat (local.get $wPos)))
    (local.set $wn (f32x4.splat (local.get $wNeg)))
    (local.set $a (f32x4.splat (f32.sub (f32.const 1) (local.get $smoothing))))
    (local.set $b (f32x4.splat (f32.mul (local.get $smoothing) (f32.const 0.5))))
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $end (i32.add (local.get $t) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $t) (local.get $end)))
        (local.set $tv (v128.load (local.get $t)))
        (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
        (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
        (local.set $pv (v128.load (local.get $p)))
        (local.set $d
          (f32x4.mul
            (f32x4.add (f32x4.mul (local.get $vgI) (local.get $tv)) (local.get $vgP))
            (f32x4.mul (local.get $pv) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $pv)))))
        (if (f32.ne (local.get $gB) (f32.const 0))
          (then
            (local.set $d
              (f32x4.add (local.get $d)
                (f32x4.mul (local.get $vgB)
                  (call $bceSlope (local.get $tv) (local.get $pv) (local.get $wp) (local.get $wn) (local.get $a) (local.get $b)))))))
        (v128.store (local.get $dx) (v128.and (local.get $d) (local.get $vm)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $next))))

  ;; Gradient of sigmoidFocal from x (p recomputed with the softplus it needs):
  ;; dx = (gI·t + gP)·p(1 − p) + gF·αt·(γq^(γ−1)·(1 − 2t)·p(1 − p)·ce + q^γ·(p − t)).
  (func (export "sigmoidFocalGrad") (param $x i32) (param $t i32) (param $dx i32) (param $n i32)
    (param $gI f32) (param $gP f32) (param $gF f32) (param $gamma f32) (param $mode i32) (param $a1 f32) (param $a0 f32) (param $hasIgnore i32) (param $ignore f32)
    (local $end i32)
    (local $xv v128) (local $tv v128) (local $pv v128) (local $e v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local $vgI v128) (local $vgP v128) (local $vgF v128) (local $va1 v128) (local $va0 v128)
    (local.set $vgI (f32x4.splat (local.get $gI)))
    (local.set $vgP (f32x4.splat (local.get $gP)))
    (local.set $vgF (f32x4.splat (local.get $gF)))
    (local.set $va1 (f32x4.splat (local.get $a1)))
    (local.set $va0 (f32x4.splat (local.get $a0)))
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $xv (v128.load (local.get $x)))
        (local.set $tv (v128.load (local.get $t)))
        (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
        (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
        (local.set $e (call $expNegAbs (local.get $xv)))
        (local.set $pv (call $sigmoidFrom (local.get $xv) (local.get $e)))
        (v128.store (local.get $dx)
          (v128.and (local.get $vm) (f32x4.add
            (f32x4.mul (f32x4.add (f32x4.mul (local.get $vgI) (local.get $tv)) (local.get $vgP))
                       (f32x4.mul (local.get $pv) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $pv))))
            (f32x4.mul (local.get $vgF)
              (call $focalSlope (local.get $xv) (local.get $tv) (local.get $pv) (local.get $e)
                (local.get $gamma) (local.get $mode) (local.get $va1) (local.get $va0))))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $dx (i32.add (local.get $dx) (i32.const 16)))
        (br $next))))

;; ---------------------------------------------------------------------------------------------
  ;; Sigmoid family, channels last with C a multiple of 4: one vector holds 4 classes of a pixel,
  ;; so each lane is one class. n vectors `stride` bytes apart (4·C: one per pixel of an image),
  ;; sums kept per lane.

  ;; kind 0: region (p written), 1: region + BCE (p written), 2: focal (p not written). Writes the
  ;; float64 sums of each lane to `out`: rows I, P, T, X (X = Σ bce or Σ focal) of 4 lanes.
  (func (export "sigmoidLanes") (param $x i32) (param $t i32) (param $p i32) (param $n i32) (param $stride i32)
    (param $out i32) (param $kind i32) (param $wPos f32) (param $wNeg f32) (param $smoothing f32)
    (param $gamma f32) (param $mode i32) (param $a1 f32) (param $a0 f32) (param $hasIgnore i32) (param $ignore f32)
    (local $i i32) (local $stop i32)
    (local $xv v128) (local $tv v128) (local $pv v128) (local $e v128)
    (local $wp v128) (local $wn v128) (local $a v128) (local $b v128) (local $va1 v128) (local $va0 v128)
    (local $aI v128) (local $aP v128) (local $aT v128) (local $aX v128)
    (local $dI0 v128) (local $dI1 v128) (local $dP0 v128) (local $dP1 v128)
    (local $dT0 v128) (local $dT1 v128) (local $dX0 v128) (local $dX1 v128) (local $aN v128) (local $dN0 v128) (local $dN1 v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (local.set $wp (f32x4.splat (local.get $wPos)))
    (local.set $wn (f32x4.splat (local.get $wNeg)))
    (local.set $a (f32x4.splat (f32.sub (f32.const 1) (local.get $smoothing))))
    (local.set $b (f32x4.splat (f32.mul (local.get $smoothing) (f32.const 0.5))))
    (local.set $va1 (f32x4.splat (local.get $a1)))
    (local.set $va0 (f32x4.splat (local.get $a0)))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $stop (select (i32.add (local.get $i) (i32.const 16)) (local.get $n)
                                 (i32.lt_u (i32.add (local.get $i) (i32.const 16)) (local.get $n))))
        (local.set $aI (v128.const i32x4 0 0 0 0))
        (local.set $aP (v128.const i32x4 0 0 0 0))
        (local.set $aT (v128.const i32x4 0 0 0 0))
        (local.set $aX (v128.const i32x4 0 0 0 0))
        (local.set $aN (v128.const i32x4 0 0 0 0))
        (loop $inner
          (local.set $xv (v128.load (local.get $x)))
          (local.set $tv (v128.load (local.get $t)))
          (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
          (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
          (local.set $e (call $expNegAbs (local.get $xv)))
          (local.set $pv (call $sigmoidFrom (local.get $xv) (local.get $e)))
          (local.set $aN (f32x4.add (local.get $aN) (v128.and (local.get $vm) (v128.const f32x4 1 1 1 1))))
          (if (i32.eq (local.get $kind) (i32.const 2))
            (then
              (local.set $aX
                (f32x4.add (local.get $aX)
                  (v128.and
                    (call $focalTerm (local.get $xv) (local.get $tv) (local.get $pv) (local.get $e)
                      (local.get $gamma) (local.get $mode) (local.get $va1) (local.get $va0))
                    (local.get $vm))))
              (local.set $pv (v128.and (local.get $pv) (local.get $vm))))
            (else
              (local.set $pv (v128.and (local.get $pv) (local.get $vm)))
              (v128.store (local.get $p) (local.get $pv))
              (if (local.get $kind)
                (then
                  (local.set $aX
                    (f32x4.add (local.get $aX)
                      (v128.and (call $bceTerm (local.get $xv) (local.get $tv) (local.get $e) (local.get $wp) (local.get $wn) (local.get $a) (local.get $b)) (local.get $vm))))))))
          (local.set $aI (f32x4.add (local.get $aI) (f32x4.mul (local.get $pv) (local.get $tv))))
          (local.set $aP (f32x4.add (local.get $aP) (local.get $pv)))
          (local.set $aT (f32x4.add (local.get $aT) (local.get $tv)))
          (local.set $x (i32.add (local.get $x) (local.get $stride)))
          (local.set $t (i32.add (local.get $t) (local.get $stride)))
          (local.set $p (i32.add (local.get $p) (local.get $stride)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get $i) (local.get $stop))))
        ;; lanes 0, 1 and 2, 3 carried in float64
        (local.set $dI0 (f64x2.add (local.get $dI0) (f64x2.promote_low_f32x4 (local.get $aI))))
        (local.set $dI1 (f64x2.add (local.get $dI1) (call $highPair (local.get $aI))))
        (local.set $dP0 (f64x2.add (local.get $dP0) (f64x2.promote_low_f32x4 (local.get $aP))))
        (local.set $dP1 (f64x2.add (local.get $dP1) (call $highPair (local.get $aP))))
        (local.set $dT0 (f64x2.add (local.get $dT0) (f64x2.promote_low_f32x4 (local.get $aT))))
        (local.set $dT1 (f64x2.add (local.get $dT1) (call $highPair (local.get $aT))))
        (local.set $dX0 (f64x2.add (local.get $dX0) (f64x2.promote_low_f32x4 (local.get $aX))))
        (local.set $dX1 (f64x2.add (local.get $dX1) (call $highPair (local.get $aX))))
        (local.set $dN0 (f64x2.add (local.get $dN0) (f64x2.promote_low_f32x4 (local.get $aN))))
        (local.set $dN1 (f64x2.add (local.get $dN1) (call $highPair (local.get $aN))))
        (br $blocks)))
    (v128.store (local.get $out) (local.get $dI0))
    (v128.store offset=16 (local.get $out) (local.get $dI1))
    (v128.store offset=32 (local.get $out) (local.get $dP0))
    (v128.store offset=48 (local.get $out) (local.get $dP1))
    (v128.store offset=64 (local.get $out) (local.get $dT0))
    (v128.store offset=80 (local.get $out) (local.get $dT1))
    (v128.store offset=96 (local.get $out) (local.get $dX0))
    (v128.store offset=112 (local.get $out) (local.get $dX1))
    (v128.store offset=128 (local.get $out) (local.get $dN0))
    (v128.store offset=144 (local.get $out) (local.get $dN1)))

  ;; Lanes 2 and 3 as float64.
  (func $highPair (param $v v128) (result v128)
    (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v))))

  ;; Gradient of sigmoidLanes with per-lane coefficients at `coef` (float32 vectors gI, gP, gX):
  ;; kinds 0, 1 from the kept p: dx = (gI·t + gP)·p(1 − p) [+ gX·∂bce/∂x];
  ;; kind 2 from x: dx = (gI·t + gP)·p(1 − p) + gX·∂focal/∂x.
  (func (export "sigmoidLanesGrad") (param $x i32) (param $t i32) (param $p i32) (param $dx i32) (param $n i32) (param $stride i32)
    (param $coef i32) (param $kind i32) (param $wPos f32) (param $wNeg f32) (param $smoothing f32)
    (param $gamma f32) (param $mode i32) (param $a1 f32) (param $a0 f32) (param $hasIgnore i32) (param $ignore f32)
    (local $i i32) (local $xv v128) (local $tv v128) (local $pv v128) (local $e v128) (local $d v128)
    (local $gI v128) (local $gP v128) (local $gX v128)
    (local $vm v128) (local $ig v128) (local $any v128)
    (local $wp v128) (local $wn v128) (local $a v128) (local $b v128) (local $va1 v128) (local $va0 v128)
    (local.set $gI (v128.load (local.get $coef)))
    (local.set $gP (v128.load offset=16 (local.get $coef)))
    (local.set $gX (v128.load offset=32 (local.get $coef)))
    (local.set $wp (f32x4.splat (local.get $wPos)))
    (local.set $wn (f32x4.splat (local.get $wNeg)))
    (local.set $a (f32x4.splat (f32.sub (f32.const 1) (local.get $smoothing))))
    (local.set $b (f32x4.splat (f32.mul (local.get $smoothing) (f32.const 0.5))))
    (local.set $va1 (f32x4.splat (local.get $a1)))
    (local.set $va0 (f32x4.splat (local.get $a0)))
    (local.set $ig (f32x4.splat (local.get $ignore)))
    (local.set $any (select (v128.const i32x4 0 0 0 0) (v128.const i32x4 -1 -1 -1 -1) (local.get $hasIgnore)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $tv (v128.load (local.get $t)))
        (local.set $vm (call $validMask (local.get $tv) (local.get $ig) (local.get $any)))
        (local.set $tv (v128.and (local.get $tv) (local.get $vm)))
        (if (i32.eq (local.get $kind) (i32.const 2))
          (then
            (local.set $xv (v128.load (local.get $x)))
            (local.set $e (call $expNegAbs (local.get $xv)))
            (local.set $pv (call $sigmoidFrom (local.get $xv) (local.get $e)))
            (local.set $d
              (f32x4.mul (local.get $gX)
                (call $focalSlope (local.get $xv) (local.get $tv) (local.get $pv) (local.get $e)
                  (local.get $gamma) (local.get $mode) (local.get $va1) (local.get $va0)))))
          (else
            (local.set $pv (v128.load (local.get $p)))
            (local.set $d
              (if (result v128) (local.get $kind)
                (then (f32x4.mul (local.get $gX)
                        (call $bceSlope (local.get $tv) (local.get $pv) (local.get $wp) (local.get $wn) (local.get $a) (local.get $b))))
                (else (v128.const i32x4 0 0 0 0))))))
        (v128.store (local.get $dx)
          (v128.and (local.get $vm) (f32x4.add (local.get $d)
            (f32x4.mul (f32x4.add (f32x4.mul (local.get $gI) (local.get $tv)) (local.get $gP))
                       (f32x4.mul (local.get $pv) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $pv)))))))
        (local.set $x (i32.add (local.get $x) (local.get $stride)))
        (local.set $t (i32.add (local.get $t) (local.get $stride)))
        (local.set $p (i32.add (local.get $p) (local.get $stride)))
        (local.set $dx (i32.add (local.get $dx) (local.get $stride)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

    ;; ---------------------------------------------------------------------------------------------
  ;; Softmax family: one image of a channels-last prediction from logits with class-index labels
  ;; and plain sums (the common multiclass case).

  ;; The `r` lanes at ptr (r = 1..3), other lanes 0.
  (func $loadPart (param $ptr i32) (param $r i32) (result v128)
    (local $v v128)
    (local.set $v (f32x4.replace_lane 0 (v128.const i32x4 0 0 0 0) (f32.load (local.get $ptr))))
    (if (i32.gt_u (local.get $r) (i32.const 1))
      (then (local.set $v (f32x4.replace_lane 1 (local.get $v) (f32.load offset=4 (local.get $ptr))))))
    (if (i32.gt_u (local.get $r) (i32.const 2))
      (then (local.set $v (f32x4.replace_lane 2 (local.get $v) (f32.load offset=8 (local.get $ptr))))))
    (local.get $v))

  (func $storePart (param $ptr i32) (param $v v128) (param $r i32)
    (f32.store (local.get $ptr) (f32x4.extract_lane 0 (local.get $v)))
    (if (i32.gt_u (local.get $r) (i32.const 1))
      (then (f32.store offset=4 (local.get $ptr) (f32x4.extract_lane 1 (local.get $v)))))
    (if (i32.gt_u (local.get $r) (i32.const 2))
      (then (f32.store offset=8 (local.get $ptr) (f32x4.extract_lane 2 (local.get $v))))))

  ;; Chunk k of a pixel: whole, or its r lanes when it is the last of a C that is not a multiple of 4.
  (func $load (param $ptr i32) (param $last i32) (param $r i32) (result v128)
    (if (result v128) (local.get $last)
      (then (call $loadPart (local.get $ptr) (local.get $r)))
      (else (v128.load (local.get $ptr)))))
  (func $store (param $ptr i32) (param $v v128) (param $last i32) (param $r i32)
    (if (local.get $last)
      (then (call $storePart (local.get $ptr) (local.get $v) (local.get $r)))
      (else (v128.store (local.get $ptr) (local.get $v)))))

  ;; Label of pixel j as a class index, or −1 (ignored, not integral, out of range).
  (func $label (param $t i32) (param $tIsInt i32) (param $hasIgnore i32) (param $ignoreIndex f32) (param $C i32) (result i32)
    (local $raw f32) (local $l i32)
    (local.set $raw
      (if (result f32) (local.get $tIsInt)
        (then (f32.convert_i32_s (i32.load (local.get $t))))
        (else (f32.load (local.get $t)))))
    (local.set $l (i32.trunc_sat_f32_s (local.get $raw)))
    (if (result i32)
      (i32.and
        (i32.eqz (i32.and (local.get $hasIgnore) (f32.eq (local.get $raw) (local.get $ignoreIndex))))
        (i32.and
          (f32.eq (f32.convert_i32_s (local.get $l)) (local.get $raw))
          (i32.lt_u (local.get $l) (local.get $C))))
      (then (local.get $l))
      (else (i32.const -1))))

;; The terms of a pixel with label l, p_l and log p_l into the float64 rows of `acc` (row stride
  ;; rowBytes): I_l += p_l, T_l += 1, CE_l −= w_l·ceScale·log p_l, WT_l += w_l,
  ;; FOCAL_l −= α_l·(1 − p_l)^γ·log p_l.
  (func $call.labelTerms (param $acc i32) (param $rowBytes i32) (param $l i32) (param $pl f32) (param $lp f32)
    (param $w i32) (param $alpha i32) (param $wantCe i32) (param $wantFocal i32) (param $gamma f32) (param $mode i32) (param $ceScale f32)
    (local $cell i32) (local $wl f32)
    (local.set $cell (i32.add (local.get $acc) (i32.shl (local.get $l) (i32.const 3))))
    (f64.store (local.get $cell) (f64.add (f64.load (local.get $cell)) (f64.promote_f32 (local.get $pl))))
    (f64.store (i32.add (local.get $cell) (i32.shl (local.get $rowBytes) (i32.const 1)))
      (f64.add (f64.load (i32.add (local.get $cell) (i32.shl (local.get $rowBytes) (i32.const 1)))) (f64.const 1)))
    (if (local.get $wantCe)
      (then
        (local.set $wl (f32.load (i32.add (local.get $w) (i32.shl (local.get $l) (i32.const 2)))))
        (f64.store (i32.add (local.get $cell) (i32.shl (local.get $rowBytes) (i32.const 2)))
          (f64.sub (f64.load (i32.add (local.get $cell) (i32.shl (local.get $rowBytes) (i32.const 2))))
                   (f64.promote_f32 (f32.mul (f32.mul (local.get $wl) (local.get $ceScale)) (local.get $lp)))))
        (f64.store (i32.add (local.get $cell) (i32.mul (local.get $rowBytes) (i32.const 5)))
          (f64.add (f64.load (i32.add (local.get $cell) (i32.mul (local.get $rowBytes) (i32.const 5)))) (f64.promote_f32 (local.get $wl))))))
    (if (local.get $wantFocal)
      (then
        (f64.store (i32.add (local.get $cell) (i32.mul (local.get $rowBytes) (i32.const 6)))
          (f64.sub (f64.load (i32.add (local.get $cell) (i32.mul (local.get $rowBytes) (i32.const 6))))
            (f64.promote_f32
              (f32.mul
                (f32.mul (f32.load (i32.add (local.get $alpha) (i32.shl (local.get $l) (i32.const 2))))
                         (f32x4.extract_lane 0
                           (call $pow (f32x4.splat (f32.sub (f32.const 1) (local.get $pl))) (local.get $gamma) (local.get $mode))))
                (local.get $lp))))))))

  ;; The label's share of ∂L/∂x at a pixel with label l and p_l (see softmaxBackward), g's rows
  ;; Cp4 bytes apart: extra = p_l·gI_l − ceScale·gCE_l − gF_l·((1 − p_l)^γ − γ(1 − p_l)^(γ−1)·p_l·log p_l).
  (func $call.labelExtra (param $g i32) (param $Cp4 i32) (param $l i32) (param $pl f32)
    (param $wantFocal i32) (param $gamma f32) (param $mode i32) (param $ceScale f32) (result f32)
    (local $off i32) (local $extra f32) (local $q v128) (local $pw v128)
    (local.set $off (i32.shl (local.get $l) (i32.const 2)))
    (local.set $extra
      (f32.sub
        (f32.mul (local.get $pl) (f32.load (i32.add (i32.add (local.get $g) (local.get $Cp4)) (local.get $off))))
        (f32.mul (local.get $ceScale)
          (f32.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $Cp4) (i32.const 1))) (local.get $off))))))
    (if (result f32) (local.get $wantFocal)
      (then
        (local.set $q (f32x4.splat (f32.sub (f32.const 1) (local.get $pl))))
        (local.set $pw (call $pow (local.get $q) (local.get $gamma) (local.get $mode)))
        (f32.sub (local.get $extra)
          (f32.mul
            (f32.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $Cp4) (i32.const 3))) (local.get $off)))
            (f32.sub
              (f32x4.extract_lane 0 (local.get $pw))
              (if (result f32) (f32.gt (local.get $pl) (f32.const 0))
                (then
                  (f32.mul
                    (f32x4.extract_lane 0 (call $powSlope (local.get $q) (local.get $pw) (local.get $gamma) (local.get $mode)))
                    (f32.mul (local.get $pl) (f32x4.extract_lane 0 (call $log (f32x4.splat (local.get $pl)))))))
                (else (f32.const 0)))))))
      (else (local.get $extra))))

    ;; Forward over the S pixels of one image: p = softmax(x) written to p; into the float64 rows of
  ;; `acc` (7 rows of Cp = 4·⌈C/4⌉ values: I, P, T, N, CE, WT, FOCAL, as SeglossSoftmaxStats):
  ;; P_c += p_c, and at the label l: I_l += p_l, T_l += 1, CE_l −= w_l·log p_l, WT_l += w_l,
  ;; FOCAL_l −= α_l·(1 − p_l)^γ·log p_l, with w and α float32 arrays of Cp values. s3 = valid pixels;
  ;; p = 0 at pixels without a valid label. With label smoothing ε the CE targets are
  ;; t̃ = t·ceScale + smooth (ceScale = 1 − ε, smooth = ε/C): CE_l takes ceScale, and every class
  ;; CE_c −= smooth·w_c·log p_c.
  (func (export "softmaxForward") (param $x i32) (param $t i32) (param $p i32) (param $S i32) (param $C i32)
    (param $tIsInt i32) (param $hasIgnore i32) (param $ignoreIndex f32)
    (param $acc i32) (param $w i32) (param $alpha i32) (param $wantCe i32) (param $wantFocal i32)
    (param $gamma f32) (param $mode i32) (param $ceScale f32) (param $smooth f32)
    (local $j i32) (local $k i32) (local $K i32) (local $r i32) (local $last i32) (local $l i32) (local $off i32)
    (local $Cp i32) (local $rowBytes i32) (local $N f64) (local $cell i32) (local $smoothing i32)
    (local $v v128) (local $m v128) (local $sum v128) (local $inv v128) (local $pv v128) (local $lastMask v128)
    (local $lse v128) (local $lpv v128)
    (local $pl f32) (local $lp f32) (local $wl f32)
    (local.set $smoothing (i32.and (local.get $wantCe) (f32.ne (local.get $smooth) (f32.const 0))))
    (local.set $K (i32.shr_u (i32.add (local.get $C) (i32.const 3)) (i32.const 2)))
    (local.set $r (i32.and (local.get $C) (i32.const 3)))
    (local.set $Cp (i32.shl (local.get $K) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $Cp) (i32.const 3)))
    ;; Lanes of the last chunk that are past C: −∞ for the max.
    (local.set $lastMask
      (i32x4.lt_s (v128.const i32x4 0 1 2 3)
        (i32x4.splat (select (i32.const 4) (local.get $r) (i32.eqz (local.get $r))))))
    (local.set $j (i32.const 0))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $j) (local.get $S)))
        (local.set $l
          (call $label (local.get $t) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (if (i32.ge_s (local.get $l) (i32.const 0))
          (then
            ;; max over the channels
            (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
            (local.set $k (i32.const 0))
            (loop $max
              (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
              (local.set $off (i32.shl (local.get $k) (i32.const 4)))
              (local.set $v (call $load (i32.add (local.get $x) (local.get $off)) (local.get $last) (local.get $r)))
              (if (local.get $last)
                (then (local.set $v (v128.bitselect (local.get $v) (v128.const f32x4 -inf -inf -inf -inf) (local.get $lastMask)))))
              (local.set $m (f32x4.max (local.get $m) (local.get $v)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $max (i32.lt_u (local.get $k) (local.get $K))))
            (local.set $m (call $hmax (local.get $m)))
            ;; e = exp(x − max) into p, and their sum
            (local.set $sum (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (loop $exps
              (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
              (local.set $off (i32.shl (local.get $k) (i32.const 4)))
              (local.set $v (call $exp (f32x4.sub (call $load (i32.add (local.get $x) (local.get $off)) (local.get $last) (local.get $r)) (local.get $m))))
              (if (local.get $last) (then (local.set $v (v128.and (local.get $v) (local.get $lastMask)))))
              (call $store (i32.add (local.get $p) (local.get $off)) (local.get $v) (local.get $last) (local.get $r))
              (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $exps (i32.lt_u (local.get $k) (local.get $K))))
            (local.set $sum (call $hsum (local.get $sum)))
            (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $sum)))
            (if (local.get $smoothing) (then (local.set $lse (f32x4.add (local.get $m) (call $log (local.get $sum))))))
            ;; normalise, P_c += p_c (and the smoothing part of CE)
            (local.set $k (i32.const 0))
            (loop $norm
              (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
              (local.set $off (i32.shl (local.get $k) (i32.const 4)))
              (local.set $pv (f32x4.mul (call $load (i32.add (local.get $p) (local.get $off)) (local.get $last) (local.get $r)) (local.get $inv)))
              (call $store (i32.add (local.get $p) (local.get $off)) (local.get $pv) (local.get $last) (local.get $r))
              (local.set $cell (i32.add (i32.add (local.get $acc) (local.get $rowBytes)) (i32.shl (local.get $k) (i32.const 5))))
              (v128.store (local.get $cell) (f64x2.add (v128.load (local.get $cell)) (f64x2.promote_low_f32x4 (local.get $pv))))
              (v128.store offset=16 (local.get $cell)
                (f64x2.add (v128.load offset=16 (local.get $cell))
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $pv) (local.get $pv)))))
              (if (local.get $smoothing)
                (then
                  ;; CE_c −= smooth·w_c·log p_c (w is 0 past C)
                  (local.set $lpv (f32x4.sub (call $load (i32.add (local.get $x) (local.get $off)) (local.get $last) (local.get $r)) (local.get $lse)))
                  (call $addRow (local.get $acc) (i32.const 4) (local.get $rowBytes) (local.get $k)
                    (f32x4.neg (f32x4.mul (f32x4.mul (f32x4.splat (local.get $smooth)) (v128.load (i32.add (local.get $w) (local.get $off)))) (local.get $lpv))))))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $norm (i32.lt_u (local.get $k) (local.get $K))))
            ;; the label's terms, with log p_l = x_l − max − log Σe
            (local.set $N (f64.add (local.get $N) (f64.const 1)))
            (local.set $off (i32.shl (local.get $l) (i32.const 2)))
            (call $call.labelTerms (local.get $acc) (local.get $rowBytes) (local.get $l)
              (f32.load (i32.add (local.get $p) (local.get $off)))
              (f32.sub
                (f32.sub (f32.load (i32.add (local.get $x) (local.get $off))) (f32x4.extract_lane 0 (local.get $m)))
                (f32x4.extract_lane 0 (call $log (local.get $sum))))
              (local.get $w) (local.get $alpha) (local.get $wantCe) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale)))
          (else
            ;; no valid label: p = 0 here (nothing reads it)
            (local.set $k (i32.const 0))
            (loop $zero
              (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
              (call $store (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 4))) (v128.const i32x4 0 0 0 0) (local.get $last) (local.get $r))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $zero (i32.lt_u (local.get $k) (local.get $K))))))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pixels)))
    (global.set $s3 (local.get $N)))

  ;; Backward over the S pixels of one image, from the kept p, into dx. `g` holds four float32
  ;; arrays of Cp values (zero past C): gP = ∂L/∂P_c, gI = ∂L/∂I_c, gCE = ∂L/∂CE_c·w_c,
  ;; gF = ∂L/∂FOCAL_c·α_c. At a pixel with label l,
  ;;   extra = p_l·gI_l − gCE_l − gF_l·((1 − p_l)^γ − γ(1 − p_l)^(γ−1)·p_l·log p_l),
  ;;   dx_c = p_c·(gP_c − Σ_k p_k·gP_k − extra) + [c = l]·extra;
  ;; 0 at pixels without a valid label. With label smoothing (see softmaxForward) the CE part of
  ;; extra takes ceScale, and every class adds s_c = smooth·gCE_c: r_c = p_c·gP_c − s_c,
  ;; dx_c = r_c − p_c·(Σ_k r_k + extra) + [c = l]·extra.
  (func (export "softmaxBackward") (param $t i32) (param $p i32) (param $dx i32) (param $S i32) (param $C i32)
    (param $tIsInt i32) (param $hasIgnore i32) (param $ignoreIndex f32) (param $g i32) (param $usesP i32)
    (param $wantFocal i32) (param $gamma f32) (param $mode i32) (param $ceScale f32) (param $smooth f32)
    (local $j i32) (local $k i32) (local $K i32) (local $r i32) (local $last i32) (local $l i32) (local $off i32)
    (local $Cp4 i32) (local $v v128) (local $acc v128) (local $tot v128) (local $pw v128) (local $q v128) (local $sv v128)
    (local $pl f32) (local $extra f32) (local $cell i32) (local $smoothing i32)
    (local.set $smoothing (f32.ne (local.get $smooth) (f32.const 0)))
    (local.set $K (i32.shr_u (i32.add (local.get $C) (i32.const 3)) (i32.const 2)))
    (local.set $r (i32.and (local.get $C) (i32.const 3)))
    (local.set $Cp4 (i32.shl (local.get $K) (i32.const 4)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $j) (local.get $S)))
        (local.set $l
          (call $label (local.get $t) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (if (i32.lt_s (local.get $l) (i32.const 0))
          (then
            (local.set $k (i32.const 0))
            (loop $zero
              (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
              (call $store (i32.add (local.get $dx) (i32.shl (local.get $k) (i32.const 4))) (v128.const i32x4 0 0 0 0) (local.get $last) (local.get $r))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $zero (i32.lt_u (local.get $k) (local.get $K)))))
          (else
            (local.set $extra
              (call $call.labelExtra (local.get $g) (local.get $Cp4) (local.get $l)
                (f32.load (i32.add (local.get $p) (i32.shl (local.get $l) (i32.const 2))))
                (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale)))
            ;; Σ_k r_k = Σ p_k·gP_k − s_k
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (if (i32.or (local.get $usesP) (local.get $smoothing))
              (then
                (local.set $k (i32.const 0))
                (loop $dot
                  (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
                  (local.set $off (i32.shl (local.get $k) (i32.const 4)))
                  (local.set $acc
                    (f32x4.sub
                      (f32x4.add (local.get $acc)
                        (f32x4.mul (call $load (i32.add (local.get $p) (local.get $off)) (local.get $last) (local.get $r))
                                   (v128.load (i32.add (local.get $g) (local.get $off)))))
                      (f32x4.mul (f32x4.splat (local.get $smooth))
                                 (v128.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $Cp4) (i32.const 1))) (local.get $off))))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $dot (i32.lt_u (local.get $k) (local.get $K))))))
            (local.set $tot (f32x4.add (call $hsum (local.get $acc)) (f32x4.splat (local.get $extra))))
            (local.set $k (i32.const 0))
            (loop $out
              (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
              (local.set $off (i32.shl (local.get $k) (i32.const 4)))
              (local.set $v (call $load (i32.add (local.get $p) (local.get $off)) (local.get $last) (local.get $r)))
              (local.set $sv
                (f32x4.mul (f32x4.splat (local.get $smooth))
                           (v128.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $Cp4) (i32.const 1))) (local.get $off)))))
              (call $store (i32.add (local.get $dx) (local.get $off))
                (f32x4.sub
                  (f32x4.mul (local.get $v) (f32x4.sub (v128.load (i32.add (local.get $g) (local.get $off))) (local.get $tot)))
                  (local.get $sv))
                (local.get $last) (local.get $r))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $out (i32.lt_u (local.get $k) (local.get $K))))
            (local.set $cell (i32.add (local.get $dx) (i32.shl (local.get $l) (i32.const 2))))
            (f32.store (local.get $cell) (f32.add (f32.load (local.get $cell)) (local.get $extra)))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $dx (i32.add (local.get $dx) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pixels))))

  ;; One-hot (or soft) targets t in x's layout, channels last, logits, plain sums.

  ;; acc[row·Cp + c] += v (lanes of chunk k), in float64.
  (func $addRow (param $acc i32) (param $row i32) (param $rowBytes i32) (param $k i32) (param $v v128)
    (local $cell i32)
    (local.set $cell
      (i32.add (i32.add (local.get $acc) (i32.mul (local.get $row) (local.get $rowBytes))) (i32.shl (local.get $k) (i32.const 5))))
    (v128.store (local.get $cell) (f64x2.add (v128.load (local.get $cell)) (f64x2.promote_low_f32x4 (local.get $v))))
    (v128.store offset=16 (local.get $cell) (f64x2.add (v128.load offset=16 (local.get $cell)) (call $highPair (local.get $v)))))

  ;; Forward over the S pixels of one image: p = softmax(x) written to p; into the float64 rows of
  ;; `acc` (as softmaxForward): I_c += p_c·t_c, P_c += p_c, T_c += t_c, CE_c −= w_c·t̃_c·log p_c
  ;; with t̃ = t·ceScale + smooth (label smoothing), WT_c += w_c·t_c,
  ;; FOCAL_c −= α_c·t_c·(1 − p_c)^γ·log p_c. Every pixel counts.
  (func (export "softmaxDenseForward") (param $x i32) (param $t i32) (param $p i32) (param $S i32) (param $C i32)
    (param $acc i32) (param $w i32) (param $alpha i32) (param $wantCe i32) (param $wantFocal i32)
    (param $gamma f32) (param $mode i32) (param $ceScale f32) (param $smooth f32)
    (local $j i32) (local $k i32) (local $K i32) (local $r i32) (local $last i32) (local $off i32) (local $rowBytes i32)
    (local $v v128) (local $m v128) (local $sum v128) (local $inv v128) (local $lse v128) (local $pv v128) (local $tv v128)
    (local $lp v128) (local $lastMask v128)
    (local.set $K (i32.shr_u (i32.add (local.get $C) (i32.const 3)) (i32.const 2)))
    (local.set $r (i32.and (local.get $C) (i32.const 3)))
    (local.set $rowBytes (i32.shl (local.get $K) (i32.const 5)))
    (local.set $lastMask
      (i32x4.lt_s (v128.const i32x4 0 1 2 3)
        (i32x4.splat (select (i32.const 4) (local.get $r) (i32.eqz (local.get $r))))))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $j) (local.get $S)))
        ;; max over the channels
        (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $k (i32.const 0))
        (loop $max
          (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
          (local.set $v (call $load (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 4))) (local.get $last) (local.get $r)))
          (if (local.get $last)
            (then (local.set $v (v128.bitselect (local.get $v) (v128.const f32x4 -inf -inf -inf -inf) (local.get $lastMask)))))
          (local.set $m (f32x4.max (local.get $m) (local.get $v)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $max (i32.lt_u (local.get $k) (local.get $K))))
        (local.set $m (call $hmax (local.get $m)))
        ;; e = exp(x − max) into p, and their sum
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (loop $exps
          (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
          (local.set $off (i32.shl (local.get $k) (i32.const 4)))
          (local.set $v (call $exp (f32x4.sub (call $load (i32.add (local.get $x) (local.get $off)) (local.get $last) (local.get $r)) (local.get $m))))
          (if (local.get $last) (then (local.set $v (v128.and (local.get $v) (local.get $lastMask)))))
          (call $store (i32.add (local.get $p) (local.get $off)) (local.get $v) (local.get $last) (local.get $r))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $exps (i32.lt_u (local.get $k) (local.get $K))))
        (local.set $sum (call $hsum (local.get $sum)))
        (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $sum)))
        (local.set $lse (f32x4.add (local.get $m) (call $log (local.get $sum))))
        ;; normalise, and the rows
        (local.set $k (i32.const 0))
        (loop $norm
          (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
          (local.set $off (i32.shl (local.get $k) (i32.const 4)))
          (local.set $pv (f32x4.mul (call $load (i32.add (local.get $p) (local.get $off)) (local.get $last) (local.get $r)) (local.get $inv)))
          (call $store (i32.add (local.get $p) (local.get $off)) (local.get $pv) (local.get $last) (local.get $r))
          (local.set $tv (call $load (i32.add (local.get $t) (local.get $off)) (local.get $last) (local.get $r)))
          (call $addRow (local.get $acc) (i32.const 0) (local.get $rowBytes) (local.get $k) (f32x4.mul (local.get $pv) (local.get $tv)))
          (call $addRow (local.get $acc) (i32.const 1) (local.get $rowBytes) (local.get $k) (local.get $pv))
          (call $addRow (local.get $acc) (i32.const 2) (local.get $rowBytes) (local.get $k) (local.get $tv))
          (if (i32.or (local.get $wantCe) (local.get $wantFocal))
            (then
              ;; log p = x − max − log Σe (0 in lanes past C, where t = 0 too)
              (local.set $lp
                (v128.and
                  (f32x4.sub (call $load (i32.add (local.get $x) (local.get $off)) (local.get $last) (local.get $r)) (local.get $lse))
                  (select (local.get $lastMask) (v128.const i32x4 -1 -1 -1 -1) (local.get $last))))
              (if (local.get $wantCe)
                (then
                  (local.set $v (v128.load (i32.add (local.get $w) (local.get $off))))
                  (call $addRow (local.get $acc) (i32.const 4) (local.get $rowBytes) (local.get $k)
                    (f32x4.neg
                      (f32x4.mul
                        (f32x4.mul (local.get $v)
                          (f32x4.add (f32x4.mul (local.get $tv) (f32x4.splat (local.get $ceScale))) (f32x4.splat (local.get $smooth))))
                        (local.get $lp))))
                  (call $addRow (local.get $acc) (i32.const 5) (local.get $rowBytes) (local.get $k) (f32x4.mul (local.get $v) (local.get $tv)))))
              (if (local.get $wantFocal)
                (then
                  (call $addRow (local.get $acc) (i32.const 6) (local.get $rowBytes) (local.get $k)
                    (f32x4.neg
                      (f32x4.mul
                        (f32x4.mul (v128.load (i32.add (local.get $alpha) (local.get $off))) (local.get $tv))
                        (f32x4.mul
                          (call $pow (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $pv)) (local.get $gamma) (local.get $mode))
                          (local.get $lp)))))))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $norm (i32.lt_u (local.get $k) (local.get $K))))
        (local.set $x (i32.add (local.get $x) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $t (i32.add (local.get $t) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pixels))))

  ;; Backward of softmaxDenseForward from the kept p, with `g` as for softmaxBackward (gP, gI,
  ;; gCE·w, gF·α): r_c = p_c·(gI_c·t_c + gP_c) − gCE_c·t̃_c − gF_c·t_c·ψ_c with t̃ as in the forward pass,
  ;; ψ = (1 − p)^γ − γ(1 − p)^(γ−1)·p·log p, and dx_c = r_c − p_c·Σ_k r_k.
  (func (export "softmaxDenseBackward") (param $t i32) (param $p i32) (param $dx i32) (param $S i32) (param $C i32)
    (param $g i32) (param $wantFocal i32) (param $gamma f32) (param $mode i32) (param $ceScale f32) (param $smooth f32)
    (local $j i32) (local $k i32) (local $K i32) (local $r i32) (local $last i32) (local $off i32) (local $Cp4 i32)
    (local $pv v128) (local $tv v128) (local $rv v128) (local $sum v128) (local $q v128) (local $pw v128)
    (local.set $K (i32.shr_u (i32.add (local.get $C) (i32.const 3)) (i32.const 2)))
    (local.set $r (i32.and (local.get $C) (i32.const 3)))
    (local.set $Cp4 (i32.shl (local.get $K) (i32.const 4)))
    (block $done
      (loop $pixels
        (br_if $done (i32.ge_u (local.get $j) (local.get $S)))
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (loop $terms
          (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
          (local.set $off (i32.shl (local.get $k) (i32.const 4)))
          (local.set $pv (call $load (i32.add (local.get $p) (local.get $off)) (local.get $last) (local.get $r)))
          (local.set $tv (call $load (i32.add (local.get $t) (local.get $off)) (local.get $last) (local.get $r)))
          (local.set $rv
            (f32x4.sub
              (f32x4.mul (local.get $pv)
                (f32x4.add (f32x4.mul (v128.load (i32.add (i32.add (local.get $g) (local.get $Cp4)) (local.get $off))) (local.get $tv))
                           (v128.load (i32.add (local.get $g) (local.get $off)))))
              (f32x4.mul (v128.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $Cp4) (i32.const 1))) (local.get $off)))
                         (f32x4.add (f32x4.mul (local.get $tv) (f32x4.splat (local.get $ceScale))) (f32x4.splat (local.get $smooth))))))
          (if (local.get $wantFocal)
            (then
              (local.set $q (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $pv)))
              (local.set $pw (call $pow (local.get $q) (local.get $gamma) (local.get $mode)))
              (local.set $rv
                (f32x4.sub (local.get $rv)
                  (f32x4.mul
                    (f32x4.mul (v128.load (i32.add (i32.add (local.get $g) (i32.mul (local.get $Cp4) (i32.const 3))) (local.get $off))) (local.get $tv))
                    (f32x4.sub (local.get $pw)
                      ;; γ(1 − p)^(γ−1)·p·log p, 0 where p = 0
                      (v128.and
                        (f32x4.mul (call $powSlope (local.get $q) (local.get $pw) (local.get $gamma) (local.get $mode))
                                   (f32x4.mul (local.get $pv) (call $log (local.get $pv))))
                        (f32x4.gt (local.get $pv) (v128.const f32x4 0 0 0 0)))))))))
          (call $store (i32.add (local.get $dx) (local.get $off)) (local.get $rv) (local.get $last) (local.get $r))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $rv)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $terms (i32.lt_u (local.get $k) (local.get $K))))
        (local.set $sum (call $hsum (local.get $sum)))
        (local.set $k (i32.const 0))
        (loop $out
          (local.set $last (i32.and (i32.eq (local.get $k) (i32.sub (local.get $K) (i32.const 1))) (i32.ne (local.get $r) (i32.const 0))))
          (local.set $off (i32.shl (local.get $k) (i32.const 4)))
          (call $store (i32.add (local.get $dx) (local.get $off))
            (f32x4.sub (call $load (i32.add (local.get $dx) (local.get $off)) (local.get $last) (local.get $r))
                       (f32x4.mul (call $load (i32.add (local.get $p) (local.get $off)) (local.get $last) (local.get $r)) (local.get $sum)))
            (local.get $last) (local.get $r))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $out (i32.lt_u (local.get $k) (local.get $K))))
        (local.set $t (i32.add (local.get $t) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $dx (i32.add (local.get $dx) (i32.shl (local.get $C) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $pixels))))

  ;; Channels first, class-index labels, logits: four pixels per vector, one row of S values per
  ;; class (rows S·4 bytes apart); S must be a multiple of 4. Same sums and gradient as
  ;; softmaxForward / softmaxBackward.

  ;; Label of pixel j (as $label) for lane use.
  (func $labelAt (param $t i32) (param $j i32) (param $tIsInt i32) (param $hasIgnore i32) (param $ignoreIndex f32) (param $C i32) (result i32)
    (call $label (i32.add (local.get $t) (i32.shl (local.get $j) (i32.const 2))) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))

  (func (export "softmaxCfForward") (param $x i32) (param $t i32) (param $p i32) (param $S i32) (param $C i32)
    (param $tIsInt i32) (param $hasIgnore i32) (param $ignoreIndex f32)
    (param $acc i32) (param $w i32) (param $alpha i32) (param $wantCe i32) (param $wantFocal i32)
    (param $gamma f32) (param $mode i32) (param $ceScale f32) (param $smooth f32)
    (local $s i32) (local $c i32) (local $row i32) (local $at i32) (local $rowBytes i32) (local $smoothing i32)
    (local $l0 i32) (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $N f64) (local $cell i32)
    (local $labels v128) (local $vm v128) (local $v v128) (local $m v128) (local $sum v128) (local $inv v128) (local $lse v128)
    (local.set $row (i32.shl (local.get $S) (i32.const 2)))
    (local.set $rowBytes (i32.shl (i32.shr_u (i32.add (local.get $C) (i32.const 3)) (i32.const 2)) (i32.const 5)))
    (local.set $smoothing (i32.and (local.get $wantCe) (f32.ne (local.get $smooth) (f32.const 0))))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $s) (local.get $S)))
        (local.set $l0 (call $labelAt (local.get $t) (local.get $s) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $l1 (call $labelAt (local.get $t) (i32.add (local.get $s) (i32.const 1)) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $l2 (call $labelAt (local.get $t) (i32.add (local.get $s) (i32.const 2)) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $l3 (call $labelAt (local.get $t) (i32.add (local.get $s) (i32.const 3)) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $labels
          (i32x4.replace_lane 3
            (i32x4.replace_lane 2
              (i32x4.replace_lane 1 (i32x4.splat (local.get $l0)) (local.get $l1))
              (local.get $l2))
            (local.get $l3)))
        (local.set $vm (i32x4.ge_s (local.get $labels) (v128.const i32x4 0 0 0 0)))
        ;; max over the classes, then e = exp(x − max) into p and their sum
        (local.set $at (i32.shl (local.get $s) (i32.const 2)))
        (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $c (i32.const 0))
        (loop $max
          (local.set $m (f32x4.max (local.get $m) (v128.load (i32.add (local.get $x) (i32.add (local.get $at) (i32.mul (local.get $c) (local.get $row)))))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $max (i32.lt_u (local.get $c) (local.get $C))))
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (loop $exps
          (local.set $cell (i32.add (local.get $at) (i32.mul (local.get $c) (local.get $row))))
          (local.set $v (call $exp (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $cell))) (local.get $m))))
          (v128.store (i32.add (local.get $p) (local.get $cell)) (local.get $v))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $v)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $exps (i32.lt_u (local.get $c) (local.get $C))))
        (local.set $inv (f32x4.div (v128.const f32x4 1 1 1 1) (local.get $sum)))
        (local.set $lse (f32x4.add (local.get $m) (call $log (local.get $sum))))
        ;; normalise (p = 0 at pixels without a valid label), P_c (and the smoothing part of CE_c)
        (local.set $c (i32.const 0))
        (loop $norm
          (local.set $cell (i32.add (local.get $at) (i32.mul (local.get $c) (local.get $row))))
          (local.set $v (v128.and (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $cell))) (local.get $inv)) (local.get $vm)))
          (v128.store (i32.add (local.get $p) (local.get $cell)) (local.get $v))
          (f64.store (i32.add (i32.add (local.get $acc) (local.get $rowBytes)) (i32.shl (local.get $c) (i32.const 3)))
            (f64.add (f64.load (i32.add (i32.add (local.get $acc) (local.get $rowBytes)) (i32.shl (local.get $c) (i32.const 3))))
                     (call $hsum2 (call $wide (local.get $v)))))
          (if (local.get $smoothing)
            (then
              (f64.store (i32.add (i32.add (local.get $acc) (i32.shl (local.get $rowBytes) (i32.const 2))) (i32.shl (local.get $c) (i32.const 3)))
                (f64.sub (f64.load (i32.add (i32.add (local.get $acc) (i32.shl (local.get $rowBytes) (i32.const 2))) (i32.shl (local.get $c) (i32.const 3))))
                  (f64.mul
                    (f64.promote_f32 (f32.mul (local.get $smooth) (f32.load (i32.add (local.get $w) (i32.shl (local.get $c) (i32.const 2))))))
                    (call $hsum2 (call $wide
                      (v128.and (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $cell))) (local.get $lse)) (local.get $vm)))))))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $norm (i32.lt_u (local.get $c) (local.get $C))))
        ;; each valid pixel's label terms
        (if (i32.ge_s (local.get $l0) (i32.const 0))
          (then (call $call.cfLabelTerms (local.get $x) (local.get $p) (local.get $row) (local.get $at) (local.get $l0) (f32x4.extract_lane 0 (local.get $lse))
                  (local.get $acc) (local.get $rowBytes) (local.get $w) (local.get $alpha) (local.get $wantCe) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale))
                (local.set $N (f64.add (local.get $N) (f64.const 1)))))
        (if (i32.ge_s (local.get $l1) (i32.const 0))
          (then (call $call.cfLabelTerms (local.get $x) (local.get $p) (local.get $row) (i32.add (local.get $at) (i32.const 4)) (local.get $l1) (f32x4.extract_lane 1 (local.get $lse))
                  (local.get $acc) (local.get $rowBytes) (local.get $w) (local.get $alpha) (local.get $wantCe) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale))
                (local.set $N (f64.add (local.get $N) (f64.const 1)))))
        (if (i32.ge_s (local.get $l2) (i32.const 0))
          (then (call $call.cfLabelTerms (local.get $x) (local.get $p) (local.get $row) (i32.add (local.get $at) (i32.const 8)) (local.get $l2) (f32x4.extract_lane 2 (local.get $lse))
                  (local.get $acc) (local.get $rowBytes) (local.get $w) (local.get $alpha) (local.get $wantCe) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale))
                (local.set $N (f64.add (local.get $N) (f64.const 1)))))
        (if (i32.ge_s (local.get $l3) (i32.const 0))
          (then (call $call.cfLabelTerms (local.get $x) (local.get $p) (local.get $row) (i32.add (local.get $at) (i32.const 12)) (local.get $l3) (f32x4.extract_lane 3 (local.get $lse))
                  (local.get $acc) (local.get $rowBytes) (local.get $w) (local.get $alpha) (local.get $wantCe) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale))
                (local.set $N (f64.add (local.get $N) (f64.const 1)))))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (br $quads)))
    (global.set $s3 (local.get $N)))

  ;; $call.labelTerms for the pixel at byte offset `at` of a class row, label l, log-sum-exp lse.
  (func $call.cfLabelTerms (param $x i32) (param $p i32) (param $row i32) (param $at i32) (param $l i32) (param $lse f32)
    (param $acc i32) (param $rowBytes i32) (param $w i32) (param $alpha i32) (param $wantCe i32) (param $wantFocal i32)
    (param $gamma f32) (param $mode i32) (param $ceScale f32)
    (local $cell i32)
    (local.set $cell (i32.add (local.get $at) (i32.mul (local.get $l) (local.get $row))))
    (call $call.labelTerms (local.get $acc) (local.get $rowBytes) (local.get $l)
      (f32.load (i32.add (local.get $p) (local.get $cell)))
      (f32.sub (f32.load (i32.add (local.get $x) (local.get $cell))) (local.get $lse))
      (local.get $w) (local.get $alpha) (local.get $wantCe) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale)))

  ;; Backward of softmaxCfForward, with g as for softmaxBackward: per pixel
  ;; dx_c = p_c·(gP_c − Σ_k r_k − extra) − s_c + [c = l]·extra, 0 without a valid label.
  (func (export "softmaxCfBackward") (param $t i32) (param $p i32) (param $dx i32) (param $S i32) (param $C i32)
    (param $tIsInt i32) (param $hasIgnore i32) (param $ignoreIndex f32) (param $g i32) (param $usesP i32)
    (param $wantFocal i32) (param $gamma f32) (param $mode i32) (param $ceScale f32) (param $smooth f32)
    (local $s i32) (local $c i32) (local $row i32) (local $at i32) (local $Cp4 i32) (local $cell i32)
    (local $l0 i32) (local $l1 i32) (local $l2 i32) (local $l3 i32) (local $smoothSum f32)
    (local $labels v128) (local $vm v128) (local $extra v128) (local $dot v128) (local $tot v128)
    (local.set $row (i32.shl (local.get $S) (i32.const 2)))
    (local.set $Cp4 (i32.shl (i32.shr_u (i32.add (local.get $C) (i32.const 3)) (i32.const 2)) (i32.const 4)))
    ;; Σ_c s_c = smooth·Σ_c gCE_c
    (local.set $c (i32.const 0))
    (loop $sums
      (local.set $smoothSum
        (f32.add (local.get $smoothSum) (f32.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $Cp4) (i32.const 1))) (i32.shl (local.get $c) (i32.const 2))))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $sums (i32.lt_u (local.get $c) (local.get $C))))
    (local.set $smoothSum (f32.mul (local.get $smoothSum) (local.get $smooth)))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $s) (local.get $S)))
        (local.set $at (i32.shl (local.get $s) (i32.const 2)))
        (local.set $l0 (call $labelAt (local.get $t) (local.get $s) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $l1 (call $labelAt (local.get $t) (i32.add (local.get $s) (i32.const 1)) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $l2 (call $labelAt (local.get $t) (i32.add (local.get $s) (i32.const 2)) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $l3 (call $labelAt (local.get $t) (i32.add (local.get $s) (i32.const 3)) (local.get $tIsInt) (local.get $hasIgnore) (local.get $ignoreIndex) (local.get $C)))
        (local.set $labels
          (i32x4.replace_lane 3
            (i32x4.replace_lane 2
              (i32x4.replace_lane 1 (i32x4.splat (local.get $l0)) (local.get $l1))
              (local.get $l2))
            (local.get $l3)))
        (local.set $vm (i32x4.ge_s (local.get $labels) (v128.const i32x4 0 0 0 0)))
        (local.set $extra
          (f32x4.replace_lane 3
            (f32x4.replace_lane 2
              (f32x4.replace_lane 1
                (f32x4.splat (call $call.cfExtra (local.get $p) (local.get $row) (local.get $at) (local.get $l0) (local.get $g) (local.get $Cp4) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale)))
                (call $call.cfExtra (local.get $p) (local.get $row) (i32.add (local.get $at) (i32.const 4)) (local.get $l1) (local.get $g) (local.get $Cp4) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale)))
              (call $call.cfExtra (local.get $p) (local.get $row) (i32.add (local.get $at) (i32.const 8)) (local.get $l2) (local.get $g) (local.get $Cp4) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale)))
            (call $call.cfExtra (local.get $p) (local.get $row) (i32.add (local.get $at) (i32.const 12)) (local.get $l3) (local.get $g) (local.get $Cp4) (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale))))
        ;; Σ_k r_k = Σ p_k·gP_k − Σ s_k
        (local.set $dot (f32x4.splat (f32.neg (local.get $smoothSum))))
        (if (local.get $usesP)
          (then
            (local.set $c (i32.const 0))
            (loop $dots
              (local.set $dot
                (f32x4.add (local.get $dot)
                  (f32x4.mul (v128.load (i32.add (local.get $p) (i32.add (local.get $at) (i32.mul (local.get $c) (local.get $row)))))
                             (f32x4.splat (f32.load (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))))))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $dots (i32.lt_u (local.get $c) (local.get $C))))))
        (local.set $tot (f32x4.add (local.get $dot) (local.get $extra)))
        (local.set $c (i32.const 0))
        (loop $out
          (local.set $cell (i32.add (local.get $at) (i32.mul (local.get $c) (local.get $row))))
          (v128.store (i32.add (local.get $dx) (local.get $cell))
            (v128.and (local.get $vm)
              (f32x4.sub
                (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $cell)))
                  (f32x4.sub (f32x4.splat (f32.load (i32.add (local.get $g) (i32.shl (local.get $c) (i32.const 2))))) (local.get $tot)))
                (f32x4.splat
                  (f32.mul (local.get $smooth)
                    (f32.load (i32.add (i32.add (local.get $g) (i32.shl (local.get $Cp4) (i32.const 1))) (i32.shl (local.get $c) (i32.const 2)))))))))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $out (i32.lt_u (local.get $c) (local.get $C))))
        ;; + extra at each label
        (if (i32.ge_s (local.get $l0) (i32.const 0))
          (then (call $addAt (i32.add (local.get $dx) (i32.add (local.get $at) (i32.mul (local.get $l0) (local.get $row)))) (f32x4.extract_lane 0 (local.get $extra)))))
        (if (i32.ge_s (local.get $l1) (i32.const 0))
          (then (call $addAt (i32.add (local.get $dx) (i32.add (i32.add (local.get $at) (i32.const 4)) (i32.mul (local.get $l1) (local.get $row)))) (f32x4.extract_lane 1 (local.get $extra)))))
        (if (i32.ge_s (local.get $l2) (i32.const 0))
          (then (call $addAt (i32.add (local.get $dx) (i32.add (i32.add (local.get $at) (i32.const 8)) (i32.mul (local.get $l2) (local.get $row)))) (f32x4.extract_lane 2 (local.get $extra)))))
        (if (i32.ge_s (local.get $l3) (i32.const 0))
          (then (call $addAt (i32.add (local.get $dx) (i32.add (i32.add (local.get $at) (i32.const 12)) (i32.mul (local.get $l3) (local.get $row)))) (f32x4.extract_lane 3 (local.get $extra)))))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (br $quads))))

  ;; $call.labelExtra of the pixel at byte offset `at` of a class row (0 without a valid label l).
  (func $call.cfExtra (param $p i32) (param $row i32) (param $at i32) (param $l i32) (param $g i32) (param $Cp4 i32)
    (param $wantFocal i32) (param $gamma f32) (param $mode i32) (param $ceScale f32) (result f32)
    (if (result f32) (i32.ge_s (local.get $l) (i32.const 0))
      (then
        (call $call.labelExtra (local.get $g) (local.get $Cp4) (local.get $l)
          (f32.load (i32.add (local.get $p) (i32.add (local.get $at) (i32.mul (local.get $l) (local.get $row)))))
          (local.get $wantFocal) (local.get $gamma) (local.get $mode) (local.get $ceScale)))
      (else (f32.const 0))))

  ;; *ptr += v
  (func $addAt (param $ptr i32) (param $v f32)
    (f32.store (local.get $ptr) (f32.add (f32.load (local.get $ptr)) (local.get $v))))
)
