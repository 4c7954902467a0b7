#!/usr/bin/python3
"""Writes test/fixtures/attention.json: dot, general and additive attention written out in torch
ops (Luong's q·k and q·W·k, Bahdanau's v·tanh(W_q q + W_k k)), a multi-step query, masked keys
(one batch entry with every key masked: zero weights, zero context), loss = sum(context * R) +
sum(weights * RW), with all gradients.
Run: /usr/bin/python3 scripts/make_attention_fixtures.py"""
import json
import os
import torch

def t2j(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}

torch.manual_seed(0)
B, Tq, Tk, Hq, Hk, Hv, A = 3, 2, 5, 3, 4, 6, 7
out = {}
for kind in ['dot', 'general', 'additive']:
    hq = Hk if kind == 'dot' else Hq
    q = torch.randn(B, Tq, hq, requires_grad=True)
    k = torch.randn(B, Tk, Hk, requires_grad=True)
    v = torch.randn(B, Tk, Hv, requires_grad=True)
    mask = torch.tensor([[1, 1, 0, 1, 1], [1, 1, 1, 0, 0], [0, 0, 0, 0, 0]], dtype=torch.float32)
    params = {}
    if kind == 'dot':
        scores = q @ k.transpose(1, 2)
    elif kind == 'general':
        params['weight'] = (torch.rand(Hk, Hq) * 2 - 1).requires_grad_()
        scores = (q @ params['weight'].t()) @ k.transpose(1, 2)
    else:
        params['weight_query'] = (torch.rand(A, Hq) * 2 - 1).requires_grad_()
        params['weight_key'] = (torch.rand(A, Hk) * 2 - 1).requires_grad_()
        params['v'] = (torch.rand(1, A) * 2 - 1).requires_grad_()
        e = torch.tanh((q @ params['weight_query'].t()).unsqueeze(2) + (k @ params['weight_key'].t()).unsqueeze(1))
        scores = (e @ params['v'].t()).squeeze(-1)
    visible = mask.unsqueeze(1).expand(B, Tq, Tk) > 0
    s = scores.masked_fill(~visible, float('-inf'))
    # a query with every key masked: weights 0 (not NaN), context 0
    w = torch.where(visible.any(-1, keepdim=True), torch.softmax(s, -1), torch.zeros_like(s))
    w = torch.nan_to_num(w)
    ctx = w @ v
    R = torch.randn(B, Tq, Hv)
    RW = torch.randn(B, Tq, Tk)
    loss = (ctx * R).sum() + (w * RW).sum()
    loss.backward()
    fx = {'options': {'kind': kind, 'querySize': hq, 'keySize': Hk, 'hiddenSize': A},
          'stateDict': {n: t2j(p) for n, p in params.items()}, 'mask': mask.tolist(),
          'q': t2j(q), 'k': t2j(k), 'v': t2j(v), 'R': t2j(R), 'RW': t2j(RW),
          'weights': t2j(w), 'context': t2j(ctx),
          'grads': {'query': t2j(q.grad), 'keys': t2j(k.grad), 'values': t2j(v.grad), **{n: t2j(p.grad) for n, p in params.items()}}}
    out[kind] = fx
path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'attention.json')
with open(path, 'w') as f:
    json.dump(out, f)
print('wrote', os.path.normpath(path))
