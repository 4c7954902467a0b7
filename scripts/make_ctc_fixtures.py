#!/usr/bin/python3
"""Writes test/fixtures/ctc.json: torch.nn.functional.ctc_loss values and the gradients with
respect to the logits (logits -> log_softmax -> ctc_loss), for every reduction, target format and
edge case. Run: /usr/bin/python3 scripts/make_ctc_fixtures.py"""
import json
import os
import torch
import torch.nn.functional as F

def L(t):
    return [float('%.9g' % v) if abs(v) != float('inf') else ('inf' if v > 0 else '-inf') for v in t.detach().reshape(-1).tolist()]

torch.manual_seed(0)
cases = []

def case(name, T, B, C, targets, input_lengths, blank=0, zero_infinity=False, concat=False, scale=1.0):
    logits = torch.randn(T, B, C) * scale
    tl = [len(t) for t in targets]
    S = max(max(tl), 1)
    padded = torch.zeros(B, S, dtype=torch.long)
    for b, t in enumerate(targets):
        padded[b, :len(t)] = torch.tensor(t, dtype=torch.long) if t else padded[b, :0]
    flat = torch.tensor([v for t in targets for v in t], dtype=torch.long)
    out = {'name': name, 'T': T, 'B': B, 'C': C, 'blank': blank, 'zeroInfinity': zero_infinity,
           'logits': L(logits), 'targets': targets, 'padded': padded.reshape(-1).tolist(), 'S': S,
           'inputLengths': input_lengths, 'targetLengths': tl, 'results': {}}
    R = torch.randn(B)
    out['R'] = L(R)
    for red in ['none', 'mean', 'sum']:
        x = logits.clone().requires_grad_(True)
        lp = F.log_softmax(x, 2)
        tg = flat if concat else padded
        loss = F.ctc_loss(lp, tg, torch.tensor(input_lengths), torch.tensor(tl), blank=blank, reduction=red, zero_infinity=zero_infinity)
        finite = bool(torch.isfinite(loss).all())
        if finite:
            (loss * R).sum().backward() if red == 'none' else loss.backward()
        out['results'][red] = {'loss': L(loss), 'grad': L(x.grad) if finite else None}
    cases.append(out)

case('padded', 7, 3, 5, [[1, 2, 2], [3, 4], [1]], [7, 5, 6])
case('concatenated', 7, 3, 5, [[1, 2, 2], [3, 4], [1]], [7, 5, 6], concat=True)
case('repeats', 6, 2, 4, [[1, 1, 1], [2, 3, 2]], [6, 6])
case('impossible', 3, 2, 4, [[2, 2, 2], [1]], [3, 3])
case('impossible_zero_infinity', 3, 2, 4, [[2, 2, 2], [1]], [3, 3], zero_infinity=True)
case('blank_last', 6, 2, 5, [[0, 3, 1], [2]], [6, 4], blank=4)
case('empty_target', 5, 2, 3, [[], [1, 2]], [5, 4])
case('t1', 1, 2, 3, [[2], []], [1, 1])
case('odd_sizes', 13, 5, 7, [[1, 5, 5, 2], [6], [3, 3], [2, 4, 6, 1, 5], [1, 2]], [13, 9, 11, 13, 3])
# long sequences (the scaled linear recursion over many steps) and sharp logits (where its error
# bound sends some sequences to the log-space recursion)
g = torch.Generator().manual_seed(3)
case('long', 120, 2, 9, [torch.randint(1, 9, (37,), generator=g).tolist(), torch.randint(1, 9, (51,), generator=g).tolist()], [120, 117])
case('sharp_logits', 30, 3, 6, [[1, 2, 3, 4], [5, 5, 1], [2]], [30, 24, 30], scale=12.0)

out = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'ctc.json')
with open(out, 'w') as f:
    json.dump(cases, f)
print('wrote', os.path.normpath(out))
