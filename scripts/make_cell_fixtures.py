#!/usr/bin/python3
"""Writes test/fixtures/cells.json: RNNCell, LSTMCell and GRUCell stepped 3 times with the state
carried, loss = sum over steps of sum(h_t * R_t) (+ c_t * Q_t for LSTM), with all gradients.
Run: /usr/bin/python3 scripts/make_cell_fixtures.py"""
import json
import os
import torch

def t2j(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}

torch.manual_seed(0)
out = {}
for kind in ['RNNCell', 'LSTMCell', 'GRUCell']:
    B, I, H, T = 3, 5, 7, 3
    cell = getattr(torch.nn, kind)(I, H)
    xs = torch.randn(T, B, I, requires_grad=True)
    h0 = torch.randn(B, H, requires_grad=True)
    c0 = torch.randn(B, H, requires_grad=True) if kind == 'LSTMCell' else None
    R = torch.randn(T, B, H)
    Q = torch.randn(T, B, H)
    h, c = h0, c0
    hs, loss = [], 0
    for t in range(T):
        if kind == 'LSTMCell':
            h, c = cell(xs[t], (h, c))
            loss = loss + (c * Q[t]).sum()
        else:
            h = cell(xs[t], h)
        hs.append(h)
        loss = loss + (h * R[t]).sum()
    loss.backward()
    fx = {'stateDict': {k: t2j(v) for k, v in cell.state_dict().items()}, 'x': t2j(xs), 'h0': t2j(h0), 'R': t2j(R), 'Q': t2j(Q),
          'h': t2j(torch.stack(hs)), 'grads': {'x': t2j(xs.grad), 'h0': t2j(h0.grad)}}
    if c0 is not None:
        fx['c0'] = t2j(c0)
        fx['grads']['c0'] = t2j(c0.grad)
    for k, p in cell.named_parameters():
        fx['grads'][k] = t2j(p.grad)
    out[kind] = fx
path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'cells.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', os.path.normpath(path))
