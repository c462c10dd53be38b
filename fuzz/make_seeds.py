#!/usr/bin/python3
"""make_seeds.py - write the seed corpus of the safetensors fuzz target.

Usage: /usr/bin/python3 fuzz/make_seeds.py [DIR]   (default:
fuzz/corpus/safetensors). Deterministic: rerunning it rewrites the same
bytes. Files named valid_* must be accepted by the reader, bad_* rejected
(the expectation is in the name only; the fuzz oracle judges the result).
Only the standard library (struct, json) is used, so that the seeds do not
depend on the code under test. Every file stays well under 4 KiB.
"""
import json
import os
import struct
import sys

DTYPE_SIZE = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
    "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
    "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
}


def image(header_text, data=b"", pad=True, hlen=None):
    """8-byte little-endian header length, the header, the data section."""
    h = header_text.encode("utf-8") if isinstance(header_text, str) else header_text
    if pad:
        h += b" " * (-len(h) % 8)
    n = len(h) if hlen is None else hlen
    return struct.pack("<Q", n) + h + data


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def packed(fmt, values):
    return struct.pack("<%d%s" % (len(values), fmt), *values)


def build(tensors, meta=None, order=None):
    """A valid file. tensors: [(name, dtype, shape, bytes)] in data order;
    order: optional permutation of names for the JSON header."""
    hdr = {}
    if meta is not None:
        hdr["__metadata__"] = meta
    off = 0
    entries = {}
    data = b""
    for name, dtype, shape, raw in tensors:
        assert len(raw) == count(shape) * DTYPE_SIZE[dtype], name
        entries[name] = {"dtype": dtype, "shape": list(shape),
                         "data_offsets": [off, off + len(raw)]}
        off += len(raw)
        data += raw
    for name in (order or [t[0] for t in tensors]):
        hdr[name] = entries[name]
    return image(json.dumps(hdr, separators=(",", ":")), data)


def entry(dtype, shape, begin, end):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def raw_header(obj):
    return json.dumps(obj, separators=(",", ":"))


def seeds():
    f64 = lambda *v: packed("d", v)
    i64 = lambda *v: packed("q", v)
    out = {}

    # ---- valid files -------------------------------------------------
    out["valid_f64_matrix_metadata"] = build(
        [("W", "F64", [2, 3], f64(1.0, -2.5, 3.25, 0.0, -0.0, 1e-300))],
        meta={"format": "llr", "model": "gls2", "d": "3"})
    out["valid_i64_u8_f64_mixed"] = build([
        ("ids", "I64", [4], i64(0, -1, 2**63 - 1, -2**63)),
        ("mask", "U8", [5], bytes([0, 1, 2, 254, 255])),
        ("bias", "F64", [1], f64(0.5)),
    ])
    out["valid_zero_sized_tensors"] = build([
        ("empty_first", "F64", [0, 3], b""),
        ("x", "F64", [2], f64(1.0, 2.0)),
        ("empty_mid", "U8", [0], b""),
        ("y", "I64", [1], i64(7)),
        ("empty_last", "I64", [3, 0, 2**40], b""),
    ])
    out["valid_rank0_scalars"] = build([
        ("temperature", "F64", [], f64(0.7)),
        ("step", "I64", [], i64(12345)),
        ("flag", "U8", [], b"\x01"),
    ])
    out["valid_empty_header"] = image("{}", pad=False)
    out["valid_empty_header_padded"] = image("{}")
    out["valid_metadata_only"] = build(
        [], meta={"note": "no tensors", "empty": "", "unicode": "\u00e9\u4e2d"})
    out["valid_empty_metadata_object"] = build(
        [("v", "U8", [2], b"ab")], meta={})
    out["valid_all_dtypes"] = build(
        [("t_" + d.lower(), d, [2], bytes(range(2 * s)))
         for d, s in DTYPE_SIZE.items()])
    out["valid_nonfinite_f64"] = build([
        ("special", "F64", [4],
         f64(float("nan"), float("inf"), -float("inf"), 5e-324)),
    ])
    out["valid_rank8"] = build(
        [("r8", "U8", [1, 2, 1, 2, 1, 2, 1, 1], bytes(range(8)))])
    out["valid_json_order_differs"] = build(
        [("a", "U8", [1], b"A"), ("b", "I64", [1], i64(-5)),
         ("c", "F64", [1], f64(2.0))],
        meta={"k": "v"}, order=["c", "a", "b"])
    out["valid_escaped_names"] = build([
        ("emb\u00e9d/w\u00f6rd", "F64", [1], f64(3.0)),
        ("quote\"back\\slash", "U8", [1], b"q"),
        ("", "U8", [1], b"e"),
        ("__metadata", "U8", [0], b""),
    ], meta={"tab\tkey": "line\nvalue", "__metadata__": "nested name"})
    # Offsets not in JSON order, header with whitespace and no padding.
    out["valid_whitespace_header"] = image(
        '{ "b" : { "shape" : [ 1 ] , "data_offsets" : [ 8 , 16 ] , '
        '"dtype" : "I64" } ,\n "a" : {"dtype":"F64","shape":[1],'
        '"data_offsets":[0,8]} }\t\r\n',
        f64(1.5) + i64(9), pad=False)

    # ---- malformed files ---------------------------------------------
    good = out["valid_i64_u8_f64_mixed"]
    out["bad_truncated_length"] = b"\x10\x00\x00\x00\x00"
    out["bad_empty_file"] = b""
    out["bad_truncated_data"] = good[:-3]
    out["bad_truncated_header"] = good[:20]
    out["bad_header_len_beyond_file"] = image("{}", pad=False, hlen=4096)
    out["bad_header_len_huge"] = struct.pack("<Q", 2**63 + 5) + b"{}"
    out["bad_header_len_above_limit"] = struct.pack("<Q", 100000001) + b"{}"
    out["bad_header_len_one"] = image("{", pad=False)
    out["bad_header_len_zero"] = image("", pad=False)
    out["bad_json_invalid"] = image('{"a": }')
    out["bad_json_unterminated"] = image('{"a":{"dtype":"F64"')
    out["bad_json_trailing_garbage"] = image('{}x')
    out["bad_json_leading_space"] = image(' {}')
    out["bad_json_array"] = image('[]')
    out["bad_json_invalid_utf8"] = image(b'{"\xff\xfe":{}}')
    out["bad_json_nul_in_key"] = image('{"a\\u0000b":{"dtype":"U8",'
                                       '"shape":[0],"data_offsets":[0,0]}}')
    out["bad_json_deep_nesting"] = image(
        '{"a":' + "[" * 2100)
    out["bad_dtype_unknown"] = image(raw_header(
        {"w": entry("F65", [1], 0, 8)}), f64(1.0))
    out["bad_dtype_lowercase"] = image(raw_header(
        {"w": entry("f64", [1], 0, 8)}), f64(1.0))
    out["bad_dtype_not_string"] = image(
        '{"w":{"dtype":8,"shape":[1],"data_offsets":[0,8]}}', f64(1.0))
    out["bad_overlapping_offsets"] = image(raw_header({
        "a": entry("F64", [2], 0, 16), "b": entry("F64", [1], 8, 16)}),
        f64(1.0, 2.0))
    out["bad_gap_between_tensors"] = image(raw_header({
        "a": entry("U8", [2], 0, 2), "b": entry("U8", [2], 4, 6)}),
        b"abxxcd")
    out["bad_gap_at_start"] = image(raw_header({
        "a": entry("U8", [2], 2, 4)}), b"xxab")
    out["bad_trailing_bytes"] = build(
        [("a", "F64", [1], f64(1.0))]) + b"extra"
    out["bad_trailing_bytes_no_tensors"] = image("{}") + b"\x00"
    out["bad_zero_sized_inside_tensor"] = image(raw_header({
        "a": entry("U8", [4], 0, 4), "z": entry("U8", [0], 2, 2)}), b"abcd")
    out["bad_shape_overflow_u64"] = image(raw_header({
        "w": entry("F64", [2**31, 2**31, 2**31], 0, 8)}), f64(1.0))
    out["bad_shape_bytes_overflow"] = image(raw_header({
        "w": entry("F64", [2**62], 0, 8)}), f64(1.0))
    out["bad_shape_above_2p62"] = image(raw_header({
        "w": entry("U8", [2**62 + 1, 0], 0, 0)}))
    out["bad_shape_too_big_integer"] = image(
        '{"w":{"dtype":"U8","shape":[18446744073709551617],'
        '"data_offsets":[0,1]}}', b"a")
    out["bad_shape_negative"] = image(raw_header({
        "w": entry("U8", [-1], 0, 1)}), b"a")
    out["bad_shape_float"] = image(
        '{"w":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}', b"a")
    out["bad_shape_not_array"] = image(raw_header({
        "w": entry("U8", 1, 0, 1)}), b"a")
    out["bad_rank9"] = image(raw_header({
        "w": entry("U8", [1] * 9, 0, 1)}), b"a")
    out["bad_duplicate_tensor_keys"] = image(
        '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
        '"w":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', b"ab")
    out["bad_duplicate_escaped_keys"] = image(
        '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
        '"\\u0077":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', b"ab")
    out["bad_duplicate_metadata_keys"] = image(
        '{"__metadata__":{"k":"a","k":"b"}}')
    out["bad_duplicate_field"] = image(
        '{"w":{"dtype":"U8","dtype":"I8","shape":[1],'
        '"data_offsets":[0,1]}}', b"a")
    out["bad_metadata_number"] = image('{"__metadata__":{"k":1}}')
    out["bad_metadata_nested"] = image('{"__metadata__":{"k":{"x":"y"}}}')
    out["bad_metadata_null"] = image('{"__metadata__":{"k":null}}')
    out["bad_metadata_not_object"] = image('{"__metadata__":"text"}')
    out["bad_offsets_begin_after_end"] = image(raw_header({
        "w": entry("U8", [0], 2, 1)}), b"ab")
    out["bad_offsets_size_mismatch"] = image(raw_header({
        "w": entry("F64", [2], 0, 8)}), f64(1.0))
    out["bad_offsets_end_beyond"] = image(raw_header({
        "w": entry("U8", [4], 0, 4)}), b"ab")
    out["bad_offsets_not_pair"] = image(raw_header({
        "w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1, 2]}}), b"a")
    out["bad_offsets_negative"] = image(raw_header({
        "w": entry("U8", [0], -1, -1)}))
    out["bad_offsets_huge"] = image(raw_header({
        "w": entry("U8", [0], 2**62 + 1, 2**62 + 1)}))
    out["bad_unknown_field"] = image(raw_header({
        "w": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1],
              "extra": 0}}), b"a")
    out["bad_missing_dtype"] = image(raw_header({
        "w": {"shape": [1], "data_offsets": [0, 1]}}), b"a")
    out["bad_missing_offsets"] = image(raw_header({
        "w": {"dtype": "U8", "shape": [1]}}), b"a")
    out["bad_entry_not_object"] = image('{"w":[1,2]}')
    return out


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "safetensors")
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(seeds().items()):
        assert len(data) < 4096, name
        with open(os.path.join(outdir, name + ".safetensors"), "wb") as fp:
            fp.write(data)
    print("wrote %d seeds to %s" % (len(seeds()), outdir))


if __name__ == "__main__":
    main()
