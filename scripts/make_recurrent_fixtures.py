#!/usr/bin/python3
"""Writes test/fixtures/recurrent/*.json: PyTorch reference values for rnn-wasm's RNN, LSTM and
GRU layers. Each fixture holds the options, the inputs (x, lengths, h0, c0), the state_dict, the
outputs (output, hN, cN) and the gradients of x, h0, c0 and every weight for
loss = sum(output * R) + sum(hN * RH) + sum(cN * RC) with fixed random R, RH, RC.
Run with Debian's python3-torch:  /usr/bin/python3 scripts/make_recurrent_fixtures.py
"""
import json
import os
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'recurrent')


def t2j(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}


def make(name, kind, B, T, I, H, layers=1, bidir=False, batch_first=True, lengths=None, h0=False,
         proj=0, bias=True, nonlinearity='tanh', seed=0):
    torch.manual_seed(seed)
    D = 2 if bidir else 1
    kw = dict(input_size=I, hidden_size=H, num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidir)
    if kind == 'RNN':
        m = torch.nn.RNN(nonlinearity=nonlinearity, **kw)
    elif kind == 'LSTM':
        m = torch.nn.LSTM(proj_size=proj, **kw)
    else:
        m = torch.nn.GRU(**kw)
    m = m.float()
    x = torch.randn(B, T, I) if batch_first else torch.randn(T, B, I)
    x.requires_grad_(True)
    P = proj or H
    h0t = torch.randn(D * layers, B, P, requires_grad=True) if h0 else None
    c0t = torch.randn(D * layers, B, H, requires_grad=True) if (h0 and kind == 'LSTM') else None
    state = None
    if h0:
        state = (h0t, c0t) if kind == 'LSTM' else h0t
    if lengths is not None:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
        out, st = m(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=batch_first, total_length=T)
    else:
        out, st = m(x, state)
    hN, cN = (st if kind == 'LSTM' else (st, None))
    R = torch.randn(out.shape)
    RH = torch.randn(hN.shape)
    loss = (out * R).sum() + (hN * RH).sum()
    RC = None
    if cN is not None:
        RC = torch.randn(cN.shape)
        loss = loss + (cN * RC).sum()
    loss.backward()
    options = {'inputSize': I, 'hiddenSize': H, 'numLayers': layers, 'bidirectional': bidir,
               'batchFirst': batch_first, 'bias': bias}
    if kind == 'RNN':
        options['nonlinearity'] = nonlinearity
    if proj:
        options['projSize'] = proj
    fx = {
        'name': name, 'kind': kind, 'options': options, 'x': t2j(x), 'lengths': lengths,
        'h0': t2j(h0t) if h0t is not None else None, 'c0': t2j(c0t) if c0t is not None else None,
        'stateDict': {k: t2j(v) for k, v in m.state_dict().items()},
        'R': t2j(R), 'RH': t2j(RH), 'RC': t2j(RC) if RC is not None else None,
        'output': t2j(out), 'hN': t2j(hN), 'cN': t2j(cN) if cN is not None else None,
        'grads': {'x': t2j(x.grad)},
    }
    if h0t is not None:
        fx['grads']['h0'] = t2j(h0t.grad)
    if c0t is not None:
        fx['grads']['c0'] = t2j(c0t.grad)
    for k, p in m.named_parameters():
        fx['grads'][k] = t2j(p.grad)
    with open(os.path.join(OUT, name + '.json'), 'w') as f:
        json.dump(fx, f)


os.makedirs(OUT, exist_ok=True)
# odd sizes everywhere (not multiples of 4) so the SIMD tails run
make('rnn_tanh_1l', 'RNN', B=3, T=5, I=3, H=5, seed=1)
make('rnn_tanh_2l_bi_lengths_h0', 'RNN', B=3, T=6, I=3, H=5, layers=2, bidir=True, lengths=[6, 2, 4], h0=True, seed=2)
make('rnn_relu_1l_lengths', 'RNN', B=4, T=5, I=2, H=7, lengths=[3, 5, 1, 4], nonlinearity='relu', seed=3)
make('rnn_relu_2l_timemajor_h0', 'RNN', B=2, T=4, I=3, H=6, layers=2, batch_first=False, h0=True, nonlinearity='relu', seed=4)
make('lstm_1l_h0', 'LSTM', B=3, T=5, I=3, H=5, h0=True, seed=5)
make('lstm_2l_bi_lengths', 'LSTM', B=3, T=6, I=4, H=5, layers=2, bidir=True, lengths=[4, 6, 1], seed=6)
make('lstm_proj_bi_lengths_h0', 'LSTM', B=3, T=5, I=3, H=7, bidir=True, proj=3, lengths=[5, 3, 2], h0=True, seed=7)
make('lstm_2l_timemajor_nobias', 'LSTM', B=2, T=4, I=3, H=6, layers=2, batch_first=False, bias=False, seed=8)
make('lstm_long_t300', 'LSTM', B=2, T=300, I=3, H=5, seed=9)
make('gru_1l', 'GRU', B=3, T=5, I=3, H=5, seed=10)
make('gru_2l_bi_lengths_h0', 'GRU', B=3, T=6, I=3, H=5, layers=2, bidir=True, lengths=[2, 6, 5], h0=True, seed=11)
make('gru_1l_timemajor_lengths', 'GRU', B=4, T=5, I=2, H=7, batch_first=False, lengths=[5, 1, 3, 2], seed=12)
make('gru_long_t300', 'GRU', B=2, T=300, I=3, H=5, seed=13)

# batches of 4+ rows (the 4-row GEMM tile) and H a multiple of 4 (the SIMD gate body)
make('lstm_b6_h8_lengths', 'LSTM', B=6, T=7, I=5, H=8, lengths=[7, 3, 5, 7, 1, 6], h0=True, seed=14)
make('gru_b6_h8_bi', 'GRU', B=6, T=5, I=4, H=8, bidir=True, seed=15)
make('rnn_b9_h12_bi_lengths', 'RNN', B=9, T=4, I=6, H=12, bidir=True, lengths=[4, 1, 2, 3, 4, 4, 2, 1, 3], seed=16)
print('fixtures written to', os.path.normpath(OUT))
