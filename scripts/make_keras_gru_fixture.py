#!/usr/bin/python3
"""Writes test/fixtures/keras/keras2_gru_reset_after.{json,bin} and keras2_functional_bigru.{json,bin}:
Keras 2 models with GRU(reset_after=True) — which tfjs cannot build — in the layout the Keras 2
converter (tensorflowjs_converter) writes: a model_config wrapper with an InputLayer, weights named
gru/gru_cell/kernel [in, 3H] with gates z,r,h, recurrent_kernel [H, 3H] and bias [2, 3H] (input
row, recurrent row). The weights come from PyTorch's nn.GRU (the same formula as reset_after=True)
and the expected outputs from PyTorch, in keras2_index.json.
Run: /usr/bin/python3 scripts/make_keras_gru_fixture.py"""
import json
import os
import struct

import torch
from torch import nn

out_dir = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'keras')
torch.manual_seed(5)


def zrh(t, H):
    """PyTorch's r,z,n blocks (rows) -> Keras' z,r,h."""
    r, z, n = t[:H], t[H:2 * H], t[2 * H:]
    return torch.cat([z, r, n])


def gru_weights(g, prefix, H, suffix=''):
    w_ih = getattr(g, 'weight_ih_l0' + suffix).detach()
    w_hh = getattr(g, 'weight_hh_l0' + suffix).detach()
    b_ih = getattr(g, 'bias_ih_l0' + suffix).detach()
    b_hh = getattr(g, 'bias_hh_l0' + suffix).detach()
    return [
        (f'{prefix}/kernel', zrh(w_ih, H).T.contiguous()),
        (f'{prefix}/recurrent_kernel', zrh(w_hh, H).T.contiguous()),
        (f'{prefix}/bias', torch.stack([zrh(b_ih, H), zrh(b_hh, H)])),
    ]


def gru_config(name, H, return_sequences):
    return {'name': name, 'trainable': True, 'dtype': 'float32', 'return_sequences': return_sequences, 'return_state': False,
            'go_backwards': False, 'stateful': False, 'unroll': False, 'time_major': False, 'units': H, 'activation': 'tanh',
            'recurrent_activation': 'sigmoid', 'use_bias': True, 'dropout': 0.0, 'recurrent_dropout': 0.0, 'implementation': 2,
            'reset_after': True}


def write(name, model_config, weights, xs, ys):
    blob = b''.join(struct.pack(f'<{t.numel()}f', *t.reshape(-1).tolist()) for _, t in weights)
    with open(os.path.join(out_dir, f'{name}.bin'), 'wb') as f:
        f.write(blob)
    manifest = [{'paths': [f'{name}.bin'], 'weights': [{'name': n, 'shape': list(t.shape), 'dtype': 'float32'} for n, t in weights]}]
    doc = {'format': 'layers-model', 'generatedBy': 'keras v2.15.0', 'convertedBy': 'TensorFlow.js Converter v4.22.0',
           'modelTopology': {'keras_version': '2.15.0', 'backend': 'tensorflow', 'model_config': model_config},
           'weightsManifest': manifest}
    with open(os.path.join(out_dir, f'{name}.json'), 'w') as f:
        json.dump(doc, f)
    return {'model': f'{name}.json', 'weights': f'{name}.bin',
            'runs': [{'input': {'shape': list(x.shape), 'data': x.reshape(-1).tolist()},
                      'output': {'shape': list(y.shape), 'data': [float('%.9g' % v) for v in y.reshape(-1).tolist()]}} for x, y in zip(xs, ys)]}


index = {}
# Sequential: InputLayer, GRU(reset_after) with return_sequences, Dense(2)
I, H = 3, 4
g = nn.GRU(I, H, batch_first=True)
d = nn.Linear(H, 2)
xs = [torch.randn(3, 5, I), torch.randn(2, 7, I)]
with torch.no_grad():
    ys = [d(g(x)[0]) for x in xs]
cfg = {'class_name': 'Sequential', 'config': {'name': 'sequential', 'layers': [
    {'class_name': 'InputLayer', 'config': {'batch_input_shape': [None, None, I], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'gru_input'}},
    {'class_name': 'GRU', 'config': gru_config('gru', H, True)},
    {'class_name': 'Dense', 'config': {'name': 'dense', 'trainable': True, 'dtype': 'float32', 'units': 2, 'activation': 'linear', 'use_bias': True}},
]}}
weights = gru_weights(g, 'gru/gru_cell', H) + [('dense/kernel', d.weight.detach().T.contiguous()), ('dense/bias', d.bias.detach())]
index['keras2_gru_reset_after'] = write('keras2_gru_reset_after', cfg, weights, xs, ys)

# Functional: Input -> Bidirectional(GRU(reset_after), concat) -> Dense(3, softmax) on the last state
bg = nn.GRU(I, H, batch_first=True, bidirectional=True)
d2 = nn.Linear(2 * H, 3)
with torch.no_grad():
    ys = [torch.softmax(d2(bg(x)[1].permute(1, 0, 2).reshape(x.shape[0], -1)), dim=-1) for x in xs]
layers = [
    {'class_name': 'InputLayer', 'name': 'input_1', 'config': {'batch_input_shape': [None, None, I], 'dtype': 'float32', 'name': 'input_1'}, 'inbound_nodes': []},
    {'class_name': 'Bidirectional', 'name': 'bidirectional', 'config': {'name': 'bidirectional', 'trainable': True, 'dtype': 'float32', 'merge_mode': 'concat',
                                                                    'layer': {'class_name': 'GRU', 'config': gru_config('gru_1', H, False)}},
     'inbound_nodes': [[['input_1', 0, 0, {}]]]},
    {'class_name': 'Dense', 'name': 'dense_1', 'config': {'name': 'dense_1', 'units': 3, 'activation': 'softmax', 'use_bias': True}, 'inbound_nodes': [[['bidirectional', 0, 0, {}]]]},
]
cfg = {'class_name': 'Functional', 'config': {'name': 'model', 'layers': layers, 'input_layers': [['input_1', 0, 0]], 'output_layers': [['dense_1', 0, 0]]}}
weights = (gru_weights(bg, 'bidirectional/forward_gru_1/gru_cell_1', H) + gru_weights(bg, 'bidirectional/backward_gru_1/gru_cell_2', H, '_reverse')
           + [('dense_1/kernel', d2.weight.detach().T.contiguous()), ('dense_1/bias', d2.bias.detach())])
index['keras2_functional_bigru'] = write('keras2_functional_bigru', cfg, weights, xs, ys)
with open(os.path.join(out_dir, 'keras2_index.json'), 'w') as f:
    json.dump(index, f)
print('wrote', os.path.normpath(out_dir))
