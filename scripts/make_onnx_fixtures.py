#!/usr/bin/python3
"""Writes test/fixtures/onnx/: small PyTorch models exported by torch.onnx.export (opset 17,
dynamic batch and time axes, constant folding as by default), and index.json with, for each, the
inputs it is run on (the export's shape and another batch size and length) and PyTorch's outputs.
The tests import these files with fromOnnx and compare with PyTorch, and also check toOnnx's own
files in onnxruntime-node. Run: /usr/bin/python3 scripts/make_onnx_fixtures.py"""
import json
import os
import warnings

import onnx
import torch
from torch import nn

warnings.filterwarnings('ignore')
out_dir = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'onnx')
os.makedirs(out_dir, exist_ok=True)


def t2j(t):
    return {'shape': list(t.shape), 'data': [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]}


class LstmLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 7, batch_first=True)
        self.head = nn.Linear(7, 3)

    def forward(self, x):
        return self.head(self.lstm(x)[0])


class GruBi(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, num_layers=2, bidirectional=True, batch_first=True)

    def forward(self, x):
        return self.gru(x)[0]


class RnnRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 5, nonlinearity='relu')  # time-major

    def forward(self, x):
        return torch.tanh(self.rnn(x)[0])


class EmbedLm(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(11, 4)
        self.lstm = nn.LSTM(4, 6, num_layers=2, batch_first=True)
        self.out = nn.Linear(6, 11)

    def forward(self, ids):
        return torch.log_softmax(self.out(self.lstm(self.emb(ids))[0]), dim=-1)


class LstmBare(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, 4, bidirectional=True, batch_first=True)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return y, h, c


class GruClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 8, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        y = self.gru(x)[0]
        return torch.softmax(self.fc(y[:, -1]), dim=-1)


class MlpSigmoid(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(5, 6)
        self.b = nn.Linear(6, 2)

    def forward(self, x):
        return torch.sigmoid(self.b(torch.relu(self.a(x))) * 2.0 - 1.0)


torch.manual_seed(0)
cases = {
    'lstm_linear': (LstmLinear(), 'float', (2, 6, 5), (3, 4, 5), ['batch', 'time']),
    'gru_bi_2l': (GruBi(), 'float', (2, 5, 4), (4, 9, 4), ['batch', 'time']),
    'rnn_relu_time_major': (RnnRelu(), 'float', (6, 2, 3), (3, 5, 3), ['time', 'batch']),
    'embed_lm': (EmbedLm(), 'ids', (2, 7), (3, 5), ['batch', 'time']),
    'lstm_bare_bi': (LstmBare(), 'float', (2, 4, 3), (1, 6, 3), ['batch', 'time']),
    'gru_classifier': (GruClassifier(), 'float', (3, 5, 4), (2, 8, 4), ['batch', 'time']),
    'mlp_sigmoid': (MlpSigmoid(), 'float', (2, 3, 5), (4, 2, 5), ['batch', 'time']),
}
index = {}
for name, (m, kind, shape, other, axes) in cases.items():
    m.eval()
    make = (lambda s: torch.randint(0, 11, s)) if kind == 'ids' else (lambda s: torch.randn(*s))
    x = make(shape)
    with torch.no_grad():
        probe = m(x)
    n_out = len(probe) if isinstance(probe, tuple) else 1
    out_names = ['output', 'hN', 'cN'][:n_out]
    dyn = {'input': {i: a for i, a in enumerate(axes)}}
    for o in out_names:
        dyn[o] = {0: 'batch', 1: 'time'} if o == 'output' and name != 'gru_classifier' else {0: 'batch'} if o == 'output' else {1: 'batch'}
    file = f'{name}.onnx'
    torch.onnx.export(m, (x,), os.path.join(out_dir, file), opset_version=17, input_names=['input'], output_names=out_names, dynamic_axes=dyn)
    runs = []
    for s in (shape, other):
        xi = x if s == shape else make(s)
        with torch.no_grad():
            ys = m(xi)
        ys = ys if isinstance(ys, tuple) else (ys,)
        runs.append({'input': t2j(xi.float()) if kind == 'ids' else t2j(xi), 'outputs': [t2j(y) for y in ys]})
    model = onnx.load(os.path.join(out_dir, file))
    inits = {t.name: list(t.dims) for t in model.graph.initializer if t.data_type == onnx.TensorProto.FLOAT}
    index[name] = {'file': file, 'kind': kind, 'runs': runs, 'parameters': {k: list(v.shape) for k, v in m.state_dict().items()}, 'initializers': inits}
with open(os.path.join(out_dir, 'index.json'), 'w') as f:
    json.dump(index, f)
print('wrote', os.path.normpath(out_dir))
