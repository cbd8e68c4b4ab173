"""PyTorch side of `npm run bench`: median forward+backward time of each case of a perf-cases
file, float32, N threads, as wall-clock ms and as process CPU ms (CPU time is the fairer number
when other work shares the machine). Same inputs and method as shared/reference/perf_torch.py.
usage: python3 torch_time.py REFERENCE_DIR CASES.json THREADS -> one JSON line per case"""
import json, os, sys, time
os.environ['REF_DTYPE'] = 'float32'
sys.path.insert(0, sys.argv[1])
import torch
import reference as R
cases = json.load(open(sys.argv[2])); torch.set_num_threads(int(sys.argv[3]))
torch.manual_seed(0)
for c in cases:
    shape = c['shape']
    x = torch.randn(*shape) * 3
    if c['target'] == 'binary':
        t = (torch.rand(*shape) < 0.1).float()
    else:
        t = torch.randint(0, shape[-1], shape[:-1])
    fn = R.LOSSES[c['fn']]
    def step():
        xx = x.clone().requires_grad_(True)
        l = fn(t, xx, c['options']); l.backward(); return xx.grad
    for _ in range(2): step()
    wall, cpu = [], []
    t_end = time.perf_counter() + 3.0
    while len(wall) < 5 or (time.perf_counter() < t_end and len(wall) < 30):
        w0, c0 = time.perf_counter(), time.process_time(); step()
        wall.append((time.perf_counter() - w0) * 1000); cpu.append((time.process_time() - c0) * 1000)
    wall.sort(); cpu.sort()
    print(json.dumps({'fn': c['fn'], 'shape': shape, 'ms': wall[len(wall) // 2], 'cpuMs': cpu[len(cpu) // 2]}), flush=True)
