package password

import (
	"encoding/binary"
	"math/bits"

	"golang.org/x/crypto/blake2b"
)

// A plain, single-threaded Argon2 written from RFC 9106 and the Argon2
// paper, used for what golang.org/x/crypto/argon2 cannot compute: version
// 1.0 hashes (which argon2-cffi wrote without a "v=" field) and argon2d.
// Version 1.0 differs from 1.3 only in the version number hashed into H0
// and in overwriting, rather than XORing into, blocks after the first pass.

const (
	argon2BlockWords  = 128 // 1 KiB blocks of 64-bit words
	argon2SyncPoints  = 4   // slices per pass
	argon2AddrInBlock = argon2BlockWords
)

type argon2Block [argon2BlockWords]uint64

// argon2Generic computes an Argon2 tag. The caller has validated the
// parameters (time >= 1, 1 <= lanes, memory >= 8*lanes, bounded sizes).
func argon2Generic(typ, version int, password, salt, secret, ad []byte,
	time, memory, lanes, tagLen uint32) []byte {
	// H0.
	h, _ := blake2b.New512(nil)
	var w [4]byte
	le32 := func(v uint32) {
		binary.LittleEndian.PutUint32(w[:], v)
		h.Write(w[:])
	}
	le32(lanes)
	le32(tagLen)
	le32(memory)
	le32(time)
	le32(uint32(version))
	le32(uint32(typ))
	for _, b := range [][]byte{password, salt, secret, ad} {
		le32(uint32(len(b)))
		h.Write(b)
	}
	var h0 [blake2b.Size + 8]byte
	h.Sum(h0[:0])

	// Memory: a multiple of 4*lanes blocks.
	segLen := memory / (argon2SyncPoints * lanes)
	if segLen < 2 {
		segLen = 2
	}
	laneLen := segLen * argon2SyncPoints
	B := make([]argon2Block, laneLen*lanes)

	var buf [1024]byte
	for l := uint32(0); l < lanes; l++ {
		for j := uint32(0); j < 2; j++ {
			binary.LittleEndian.PutUint32(h0[blake2b.Size:], j)
			binary.LittleEndian.PutUint32(h0[blake2b.Size+4:], l)
			argon2HPrime(buf[:], h0[:])
			blk := &B[l*laneLen+j]
			for k := range blk {
				blk[k] = binary.LittleEndian.Uint64(buf[8*k:])
			}
		}
	}

	var zero, input, addr argon2Block
	for pass := uint32(0); pass < time; pass++ {
		for slice := uint32(0); slice < argon2SyncPoints; slice++ {
			for l := uint32(0); l < lanes; l++ {
				independent := typ == argon2i || (typ == argon2id && pass == 0 && slice < 2)
				start := uint32(0)
				if pass == 0 && slice == 0 {
					start = 2
				}
				if independent {
					input = argon2Block{}
					input[0] = uint64(pass)
					input[1] = uint64(l)
					input[2] = uint64(slice)
					input[3] = uint64(laneLen * lanes)
					input[4] = uint64(time)
					input[5] = uint64(typ)
					if start != 0 {
						argon2NextAddresses(&addr, &input, &zero)
					}
				}
				cur := l*laneLen + slice*segLen + start
				prev := cur - 1
				if cur%laneLen == 0 {
					prev = cur + laneLen - 1
				}
				for idx := start; idx < segLen; idx, cur, prev = idx+1, cur+1, cur {
					var rnd uint64
					if independent {
						if idx%argon2AddrInBlock == 0 {
							argon2NextAddresses(&addr, &input, &zero)
						}
						rnd = addr[idx%argon2AddrInBlock]
					} else {
						rnd = B[prev][0]
					}
					refLane := uint32(rnd>>32) % lanes
					if pass == 0 && slice == 0 {
						refLane = l
					}
					// Size of the reference area.
					var area uint32
					sameLane := refLane == l
					if pass == 0 {
						if slice == 0 {
							area = idx - 1
						} else if sameLane {
							area = slice*segLen + idx - 1
						} else {
							area = slice * segLen
							if idx == 0 {
								area--
							}
						}
					} else {
						if sameLane {
							area = laneLen - segLen + idx - 1
						} else {
							area = laneLen - segLen
							if idx == 0 {
								area--
							}
						}
					}
					x := uint64(uint32(rnd))
					x = x * x >> 32
					rel := uint64(area) - 1 - (uint64(area) * x >> 32)
					startPos := uint64(0)
					if pass != 0 && slice != argon2SyncPoints-1 {
						startPos = uint64(slice+1) * uint64(segLen)
					}
					refIdx := uint32((startPos + rel) % uint64(laneLen))
					withXOR := version != argon2V10 && pass != 0
					argon2Fill(&B[cur], &B[prev], &B[refLane*laneLen+refIdx], withXOR)
				}
			}
		}
	}

	var final argon2Block
	for l := uint32(0); l < lanes; l++ {
		last := &B[l*laneLen+laneLen-1]
		for k := range final {
			final[k] ^= last[k]
		}
	}
	for k := range final {
		binary.LittleEndian.PutUint64(buf[8*k:], final[k])
	}
	out := make([]byte, tagLen)
	argon2HPrime(out, buf[:])
	return out
}

// argon2NextAddresses computes the next block of reference addresses for
// data-independent addressing: G(0, G(0, input)) with the counter bumped.
func argon2NextAddresses(addr, input, zero *argon2Block) {
	input[6]++
	argon2Fill(addr, zero, input, false)
	argon2Fill(addr, zero, addr, false)
}

// argon2Fill sets next = G(prev, ref), or next ^= G(prev, ref) if withXOR:
// with R = prev XOR ref, G is R XOR P(R), P being the BLAKE2b-based
// permutation applied to rows, then columns.
func argon2Fill(next, prev, ref *argon2Block, withXOR bool) {
	var r, t argon2Block
	for k := range r {
		r[k] = prev[k] ^ ref[k]
	}
	t = r
	if withXOR {
		for k := range t {
			t[k] ^= next[k]
		}
	}
	for i := 0; i < 8; i++ { // rows of 16 words
		b := 16 * i
		argon2Round(&r, b, b+1, b+2, b+3, b+4, b+5, b+6, b+7,
			b+8, b+9, b+10, b+11, b+12, b+13, b+14, b+15)
	}
	for i := 0; i < 8; i++ { // columns of pairs of words
		b := 2 * i
		argon2Round(&r, b, b+1, b+16, b+17, b+32, b+33, b+48, b+49,
			b+64, b+65, b+80, b+81, b+96, b+97, b+112, b+113)
	}
	for k := range next {
		next[k] = t[k] ^ r[k]
	}
}

// argon2Round is BLAKE2b's round without message words, with the BlaMka
// multiplications, over the 16 words of v at the given indexes.
func argon2Round(v *argon2Block, i0, i1, i2, i3, i4, i5, i6, i7, i8, i9, i10, i11, i12, i13, i14, i15 int) {
	argon2G(v, i0, i4, i8, i12)
	argon2G(v, i1, i5, i9, i13)
	argon2G(v, i2, i6, i10, i14)
	argon2G(v, i3, i7, i11, i15)
	argon2G(v, i0, i5, i10, i15)
	argon2G(v, i1, i6, i11, i12)
	argon2G(v, i2, i7, i8, i13)
	argon2G(v, i3, i4, i9, i14)
}

func argon2G(v *argon2Block, a, b, c, d int) {
	fBlaMka := func(x, y uint64) uint64 {
		return x + y + 2*uint64(uint32(x))*uint64(uint32(y))
	}
	v[a] = fBlaMka(v[a], v[b])
	v[d] = bits.RotateLeft64(v[d]^v[a], -32)
	v[c] = fBlaMka(v[c], v[d])
	v[b] = bits.RotateLeft64(v[b]^v[c], -24)
	v[a] = fBlaMka(v[a], v[b])
	v[d] = bits.RotateLeft64(v[d]^v[a], -16)
	v[c] = fBlaMka(v[c], v[d])
	v[b] = bits.RotateLeft64(v[b]^v[c], -63)
}

// argon2HPrime is Argon2's variable-length hash H' filling out.
func argon2HPrime(out, in []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(out)))
	if len(out) <= blake2b.Size {
		h, _ := blake2b.New(len(out), nil)
		h.Write(n[:])
		h.Write(in)
		h.Sum(out[:0])
		return
	}
	h, _ := blake2b.New512(nil)
	h.Write(n[:])
	h.Write(in)
	var v [blake2b.Size]byte
	h.Sum(v[:0])
	pos := 0
	for len(out)-pos > blake2b.Size {
		copy(out[pos:], v[:32])
		pos += 32
		if len(out)-pos > blake2b.Size {
			v = blake2b.Sum512(v[:])
		}
	}
	h, _ = blake2b.New(len(out)-pos, nil)
	h.Write(v[:])
	h.Sum(out[pos:pos])
}
