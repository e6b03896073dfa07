package provision

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestStrIndexAgreesWithMap runs the same adds and gets on a strIndex and
// a Go map: keys repeated, empty, differing in one byte or only in length,
// an index sized too small (so it grows several times) and one sized right,
// with warm called in between.
func TestStrIndexAgreesWithMap(t *testing.T) {
	for _, size := range []int{0, 3, 5000} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(size)))
			x, want := newStrIndex(size), map[string]int32{}
			key := func() string {
				switch rng.IntN(4) {
				case 0:
					return ""
				case 1:
					return fmt.Sprintf("U%d", rng.IntN(3000))
				case 2:
					return fmt.Sprintf("U%d\x00", rng.IntN(3000))
				}
				return fmt.Sprintf("user-%08d@example.com", rng.IntN(3000))
			}
			for op := 0; op < 20000; op++ {
				k := key()
				if op%97 == 0 {
					keys := []string{k, key(), key(), k}
					vals, found := make([]int32, len(keys)), make([]bool, len(keys))
					x.lookup(keys, vals, found)
					for j, k := range keys {
						if w, ok := want[k]; vals[j] != w || found[j] != ok {
							t.Fatalf("lookup of %q = %d, %v; want %d, %v", k, vals[j], found[j], w, ok)
						}
					}
				}
				if rng.IntN(2) == 0 {
					v, had := x.add(k, int32(op))
					w, wantHad := want[k]
					if !wantHad {
						want[k], w = int32(op), int32(op)
					}
					if v != w || had != wantHad {
						t.Fatalf("add(%q) = %d, %v; want %d, %v", k, v, had, w, wantHad)
					}
					continue
				}
				v, ok := x.get(k)
				if w, wantOK := want[k]; v != w || ok != wantOK {
					t.Fatalf("get(%q) = %d, %v; want %d, %v", k, v, ok, w, wantOK)
				}
			}
			if len(x.keys) != len(want) || 2*len(x.keys) > len(x.table) {
				t.Fatalf("%d keys in a table of %d; want %d keys, at most half full", len(x.keys), len(x.table), len(want))
			}
		})
	}
}

// TestStrIndexEach visits every position once, in order, batch at a time,
// with what the index holds for its key.
func TestStrIndexEach(t *testing.T) {
	for _, n := range []int{0, 1, batch, batch + 1, 3*batch - 1} {
		x := newStrIndex(n)
		for i := 0; i < n; i += 2 {
			x.add(fmt.Sprint(i), int32(10*i))
		}
		var seen []int
		x.each(n, func(i int) string { return fmt.Sprint(i) }, func(i int, v int32, found bool) {
			if want := i%2 == 0; found != want || found && v != int32(10*i) {
				t.Errorf("n=%d: key %d: %d, %v; want %d, %v", n, i, v, found, 10*i, want)
			}
			seen = append(seen, i)
		})
		if len(seen) != n {
			t.Fatalf("n=%d: visited %d", n, len(seen))
		}
		for i, v := range seen {
			if v != i {
				t.Fatalf("n=%d: visit %d was %d", n, i, v)
			}
		}
	}
}

// TestStrIndexTagIsNotIdentity puts, where "b" is looked up, an entry with
// b's tag that holds "a": 32 bits of hash are shared by other keys, so the
// key itself decides.
func TestStrIndexTagIsNotIdentity(t *testing.T) {
	x := newStrIndex(4)
	x.add("a", 1)
	i, tag := x.probe("b")
	x.table[i] = tag | 1 // the position of "a" in keys
	if v, ok := x.get("b"); ok {
		t.Fatalf(`get("b") = %d, found; "b" was never added`, v)
	}
	vals, found := make([]int32, 2), make([]bool, 2)
	if x.lookup([]string{"b", "a"}, vals, found); found[0] || !found[1] || vals[1] != 1 {
		t.Fatalf(`lookup of "b", "a" = %v, %v; want only "a", 1`, vals, found)
	}
	if v, had := x.add("b", 2); had || v != 2 {
		t.Fatalf(`add("b", 2) = %d, %v; want 2, false`, v, had)
	}
	if v, ok := x.get("a"); !ok || v != 1 {
		t.Fatalf(`get("a") = %d, %v; want 1, true`, v, ok)
	}
}
