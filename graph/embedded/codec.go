package embedded

import (
	"encoding/binary"
	"errors"
	"math"
)

// enc appends the log and snapshot encodings: uvarints, zigzag varints, length-prefixed bytes.
type enc struct{ b []byte }

func (e *enc) byte1(v byte)    { e.b = append(e.b, v) }
func (e *enc) uvar(v uint64)   { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) svar(v int64)    { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) str(s string)    { e.uvar(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bytes(s []byte)  { e.uvar(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) bool1(v bool)    { e.byte1(boolByte(v)) }
func (e *enc) u32s(v []uint32) { e.uvar(uint64(len(v))); e.u32raw(v) }
func (e *enc) u32raw(v []uint32) {
	for _, x := range v {
		e.uvar(uint64(x))
	}
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

var errCorrupt = errors.New("embedded: corrupt record")

// dec reads what enc wrote. The first error sticks; every read after it returns zero values.
type dec struct {
	b   []byte
	err error
}

func (d *dec) fail() { d.err = errCorrupt; d.b = nil }

func (d *dec) byte1() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *dec) uvar() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) svar() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// raw returns the next length-prefixed bytes, aliasing the input.
func (d *dec) raw() []byte {
	n := d.uvar()
	if uint64(len(d.b)) < n {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string { return string(d.raw()) }

func (d *dec) bool1() bool { return d.byte1() != 0 }

// count reads a length and checks it against the bytes left (each element takes >= 1 byte).
func (d *dec) count() int {
	n := d.uvar()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *dec) u32() uint32 {
	v := d.uvar()
	if v > math.MaxUint32 {
		d.fail()
		return 0
	}
	return uint32(v)
}

func (d *dec) u32s() []uint32 {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = d.u32()
	}
	return out
}
