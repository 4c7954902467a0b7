#!/usr/bin/python3
"""Writes test/fixtures/layers.json: PyTorch values for Linear (3-D input) and Embedding
(repeated ids), with the gradients of loss = sum(y * R).
Run: /usr/bin/python3 scripts/make_layer_fixtures.py"""
import json
import os
import torch

def t2j(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}

torch.manual_seed(0)
lin = torch.nn.Linear(5, 3)
x = torch.randn(2, 3, 5, requires_grad=True)
y = lin(x)
R = torch.randn(y.shape)
(y * R).sum().backward()
linear = {'stateDict': {k: t2j(v) for k, v in lin.state_dict().items()}, 'x': t2j(x), 'y': t2j(y), 'R': t2j(R),
          'grads': {'x': t2j(x.grad), 'weight': t2j(lin.weight.grad), 'bias': t2j(lin.bias.grad)}}
emb = torch.nn.Embedding(7, 3)
ids = torch.tensor([[1, 4, 1], [6, 0, 4]])
e = emb(ids)
RE = torch.randn(e.shape)
(e * RE).sum().backward()
embedding = {'stateDict': {k: t2j(v) for k, v in emb.state_dict().items()}, 'ids': ids.tolist(), 'y': t2j(e), 'R': t2j(RE),
             'grads': {'weight': t2j(emb.weight.grad)}}
out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'layers.json')
with open(out, 'w') as f:
    json.dump({'linear': linear, 'embedding': embedding}, f)
print('wrote', os.path.normpath(out))
