# Compares two sides' results of one check of tools/arm64/check.sh: DIR_A.stdout with DIR_B.stdout and each
# FILE in DIR_A with the same in DIR_B. Safetensors files must hold the same tensors, byte for byte, and the
# same metadata; JSON (stdout, metadata values, .json files) must agree but for times and speeds (keys ending
# in seconds, _s, per_s or per_second) and for the run directories' own names. Prints what it compared, or
# what differs; exits 1 on a difference.
#
#   python3 same.py DIR_A DIR_B [FILE ...]
import json, re, struct, sys

TIME_KEY = re.compile(r'(seconds|_s|per_s|per_second)$')


def untimed(value, dirs):
    """value with time keys dropped and the run directories' names replaced, recursively (JSON in strings too)."""
    if isinstance(value, dict):
        return {k: untimed(v, dirs) for k, v in value.items() if not TIME_KEY.search(k)}
    if isinstance(value, list):
        return [untimed(v, dirs) for v in value]
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
            if isinstance(parsed, (dict, list)):
                return untimed(parsed, dirs)
        except ValueError:
            pass
        for d in dirs:
            value = value.replace(d, 'OUT')
    return value


def text(data, dirs):
    try:
        return untimed(json.loads(data), dirs)
    except ValueError:
        return untimed(data.decode('utf-8'), dirs)


def safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop('__metadata__', {})
    tensors = {k: (v['dtype'], v['shape'], raw[8 + n + v['data_offsets'][0]:8 + n + v['data_offsets'][1]]) for k, v in header.items()}
    return tensors, meta


def main():
    a, b, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    dirs = [a, b]
    problems, compared = [], []
    if text(open(a + '.stdout', 'rb').read(), dirs) != text(open(b + '.stdout', 'rb').read(), dirs):
        problems.append('stdout')
    compared.append('stdout')
    for f in files:
        pa, pb = f'{a}/{f}', f'{b}/{f}'
        if f.endswith('.safetensors'):
            (ta, ma), (tb, mb) = safetensors(pa), safetensors(pb)
            if ta.keys() != tb.keys():
                problems.append(f'{f}: tensor names')
            bad = [k for k in ta if k in tb and ta[k] != tb[k]]
            if bad:
                problems.append(f'{f}: tensors {", ".join(bad[:5])}')
            if untimed(ma, dirs) != untimed(mb, dirs):
                problems.append(f'{f}: metadata')
            compared.append(f'{f} ({len(ta)} tensors)')
        else:
            if text(open(pa, 'rb').read(), dirs) != text(open(pb, 'rb').read(), dirs):
                problems.append(f)
            compared.append(f)
    print('; '.join(problems) if problems else ', '.join(compared))
    sys.exit(1 if problems else 0)


main()
