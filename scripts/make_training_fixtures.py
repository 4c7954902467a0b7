#!/usr/bin/python3
"""Writes test/fixtures/training.json: PyTorch values for the losses (values and gradients),
the optimisers (parameters after each of 4 steps with given gradients), the LR schedules and
gradient clipping. Run: /usr/bin/python3 scripts/make_training_fixtures.py"""
import json
import os
import torch
import torch.nn.functional as F

def L(t):
    return [float('%.9g' % v) for v in t.detach().reshape(-1).tolist()]

torch.manual_seed(0)
fx = {'losses': {}, 'optimizers': {}, 'schedulers': {}, 'clip': {}}

# cross-entropy over [B,T,C] with an ignored position, every reduction
logits = torch.randn(2, 3, 5)
targets = torch.tensor([[1, 4, -100], [0, 2, 2]])
R = torch.randn(2, 3)
for red in ['mean', 'sum', 'none']:
    x = logits.clone().requires_grad_(True)
    loss = F.cross_entropy(x.reshape(-1, 5), targets.reshape(-1), reduction=red, ignore_index=-100)
    (loss * R.reshape(-1)).sum().backward() if red == 'none' else loss.backward()
    fx['losses']['ce_btc_' + red] = {'loss': L(loss), 'grad': L(x.grad)}
fx['losses']['ce_btc_inputs'] = {'logits': L(logits), 'targets': targets.reshape(-1).tolist(), 'R': L(R)}
# [B,C] with label smoothing
l2 = torch.randn(4, 3, requires_grad=True)
t2 = torch.tensor([2, 0, 1, 2])
loss = F.cross_entropy(l2, t2, label_smoothing=0.1)
loss.backward()
fx['losses']['ce_bc_smooth'] = {'logits': L(l2), 'targets': t2.tolist(), 'loss': L(loss), 'grad': L(l2.grad)}
# mse and bce with logits
p = torch.randn(3, 5, requires_grad=True)
q = torch.randn(3, 5)
loss = F.mse_loss(p, q)
loss.backward()
fx['losses']['mse'] = {'pred': L(p), 'target': L(q), 'loss': L(loss), 'grad': L(p.grad)}
z = (torch.randn(2, 7) * 3).requires_grad_(True)
y = torch.rand(2, 7).round()
loss = F.binary_cross_entropy_with_logits(z, y, pos_weight=torch.tensor(2.0))
loss.backward()
fx['losses']['bce'] = {'logits': L(z), 'targets': L(y), 'posWeight': 2.0, 'loss': L(loss), 'grad': L(z.grad)}

# optimisers: 4 steps from p0 with the given gradients
p0 = torch.randn(7)
grads = torch.randn(4, 7)
fx['optimizers']['p0'] = L(p0)
fx['optimizers']['grads'] = [L(g) for g in grads]
configs = {
    'sgd': (torch.optim.SGD, dict(lr=0.1), {'lr': 0.1}),
    'sgd_momentum': (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01), {'lr': 0.1, 'momentum': 0.9, 'dampening': 0.1, 'weightDecay': 0.01}),
    'sgd_nesterov': (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True), {'lr': 0.1, 'momentum': 0.9, 'nesterov': True}),
    'adam': (torch.optim.Adam, dict(lr=0.01, weight_decay=0.01), {'lr': 0.01, 'weightDecay': 0.01}),
    'adam_amsgrad': (torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.9), amsgrad=True), {'lr': 0.01, 'betas': [0.8, 0.9], 'amsgrad': True}),
    'adamw': (torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1), {'lr': 0.01, 'weightDecay': 0.1}),
    'rmsprop': (torch.optim.RMSprop, dict(lr=0.01), {'lr': 0.01}),
    'rmsprop_centered': (torch.optim.RMSprop, dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.01), {'lr': 0.01, 'centered': True, 'momentum': 0.5, 'weightDecay': 0.01}),
    'adagrad': (torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.1), {'lr': 0.1, 'lrDecay': 0.05, 'weightDecay': 0.01, 'initialAccumulatorValue': 0.1}),
}
for name, (cls, kw, ours) in configs.items():
    param = p0.clone().requires_grad_(True)
    opt = cls([param], **kw)
    steps = []
    for g in grads:
        param.grad = g.clone()
        opt.step()
        steps.append(L(param))
    fx['optimizers'][name] = {'options': ours, 'class': cls.__name__, 'steps': steps}

# schedules: lr after each of 7 steps, from lr 0.1
for name, make in {
    'step': lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.5),
    'exponential': lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    'cosine': lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
}.items():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sch = make(opt)
    lrs = []
    for _ in range(7):
        opt.step()
        sch.step()
        lrs.append(opt.param_groups[0]['lr'])
    fx['schedulers'][name] = lrs

# clipping
a = torch.zeros(5, requires_grad=True)
b = torch.zeros(3, requires_grad=True)
ga, gb = torch.randn(5), torch.randn(3)
a.grad, b.grad = ga.clone(), gb.clone()
norm = torch.nn.utils.clip_grad_norm_([a, b], 1.0)
fx['clip']['norm'] = {'grads': [L(ga), L(gb)], 'maxNorm': 1.0, 'total': float(norm), 'clipped': [L(a.grad), L(b.grad)]}
a.grad, b.grad = ga.clone(), gb.clone()
torch.nn.utils.clip_grad_value_([a, b], 0.3)
fx['clip']['value'] = {'clipValue': 0.3, 'clipped': [L(a.grad), L(b.grad)]}

out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'training.json')
with open(out, 'w') as f:
    json.dump(fx, f)
print('wrote', os.path.normpath(out))
