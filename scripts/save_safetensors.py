#!/usr/bin/python3
"""Writes a PyTorch state_dict as a safetensors file, without the `safetensors` package (which
Debian does not ship): the reference layout, byte for byte for float32 tensors — u64 LE header
length, compact JSON header (__metadata__ first, tensors sorted by name) padded with spaces to a
multiple of 8, then the tensors' bytes in that order.

    from save_safetensors import save_safetensors
    save_safetensors(model.state_dict(), 'model.safetensors', metadata={'note': 'trained on ...'})

or from the command line, for a module saved with torch.save(model.state_dict(), 'sd.pt'):

    /usr/bin/python3 scripts/save_safetensors.py sd.pt model.safetensors
"""
import json
import struct
import sys

import torch

DTYPES = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.float64: 'F64'}


def save_safetensors(state_dict, path, metadata=None):
    names = sorted(state_dict)
    header, blobs, offset = {}, [], 0
    if metadata:
        header['__metadata__'] = {str(k): str(v) for k, v in metadata.items()}
    for name in names:
        t = state_dict[name].detach().cpu().contiguous()
        if t.dtype not in DTYPES:
            t = t.to(torch.float32)
        raw = t.view(torch.uint8).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':'))
    text += ' ' * ((8 - len(text.encode()) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text.encode())))
        f.write(text.encode())
        for raw in blobs:
            f.write(raw)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: save_safetensors.py state_dict.pt out.safetensors')
    save_safetensors(torch.load(sys.argv[1], map_location='cpu'), sys.argv[2])
    print('wrote', sys.argv[2])
