#!/usr/bin/python3
"""Writes test/fixtures/safetensors/: PyTorch modules' state_dicts as safetensors files (by
scripts/save_safetensors.py) in F32, F16, BF16 and F64, with each module's input and output in
a JSON beside them, the output computed by PyTorch from the weights as stored (so a reader that
converts F16/BF16/F64 exactly gets PyTorch's numbers).
Run: /usr/bin/python3 scripts/make_safetensors_fixtures.py"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from save_safetensors import save_safetensors  # noqa: E402

out_dir = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'safetensors')
os.makedirs(out_dir, exist_ok=True)


def t2j(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}


torch.manual_seed(0)
cases = {
    'lstm_2l_bi': (torch.nn.LSTM(5, 7, num_layers=2, bidirectional=True, batch_first=True), {'inputSize': 5, 'hiddenSize': 7, 'numLayers': 2, 'bidirectional': True}, 'LSTM'),
    'gru': (torch.nn.GRU(4, 6, batch_first=True), {'inputSize': 4, 'hiddenSize': 6}, 'GRU'),
}
index = {}
for name, (m, options, kind) in cases.items():
    x = torch.randn(3, 6, options['inputSize'])
    for dtype, tag in [(torch.float32, 'f32'), (torch.float16, 'f16'), (torch.bfloat16, 'bf16'), (torch.float64, 'f64')]:
        stored = {k: v.detach().to(dtype) for k, v in m.state_dict().items()}
        file = f'{name}_{tag}.safetensors'
        save_safetensors(stored, os.path.join(out_dir, file), metadata={'source': 'torch', 'dtype': tag})
        # PyTorch's output from the weights as stored, in float32 (what the reader must reproduce)
        ref = type(m)(**{'input_size': options['inputSize'], 'hidden_size': options['hiddenSize'], 'num_layers': options.get('numLayers', 1), 'bidirectional': options.get('bidirectional', False), 'batch_first': True})
        ref.load_state_dict({k: v.to(torch.float32) for k, v in stored.items()})
        with torch.no_grad():
            y = ref(x)[0]
        index[f'{name}_{tag}'] = {'file': file, 'kind': kind, 'options': options, 'x': t2j(x), 'output': t2j(y)}
with open(os.path.join(out_dir, 'index.json'), 'w') as f:
    json.dump(index, f)
print('wrote', os.path.normpath(out_dir))
