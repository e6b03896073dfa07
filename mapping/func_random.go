package mapping

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"strings"
)

func fnGuid(e *evaluator, _ *node, _ []value) (value, error) {
	var b [16]byte
	if _, err := io.ReadFull(e.rand, b[:]); err != nil {
		return null, fmt.Errorf("reading random bytes: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return str(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])), nil
}

const (
	randomDigits  = "0123456789"
	randomSpecial = "!#$%&()*+,-./:;<=>?@[]^_{}~"
	randomUpper   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	randomLower   = "abcdefghijklmnopqrstuvwxyz"
	maxRandomLen  = 256
)

// fnRandomString builds a random string with at least the requested number
// of digits, special characters, capitals and lowercase letters, never
// using a character from CharactersToAvoid.
func fnRandomString(e *evaluator, _ *node, a []value) (value, error) {
	names := []string{"Length", "MinimumNumbers", "MinimumSpecialCharacters", "MinimumCapital", "MinimumLowerCase"}
	var n [5]int
	for i, name := range names {
		v, present, err := intArg(a, i, name)
		if err != nil {
			return null, err
		}
		if !present || v < 0 {
			return null, fmt.Errorf("%s must be a whole number of 0 or more", name)
		}
		n[i] = v
	}
	length := n[0]
	if length < 1 || length > maxRandomLen {
		return null, fmt.Errorf("Length must be 1 to %d, got %d", maxRandomLen, length)
	}
	if need := n[1] + n[2] + n[3] + n[4]; need > length {
		return null, fmt.Errorf("the minimums add up to %d, more than Length %d", need, length)
	}
	avoid := ""
	if len(a) > 5 {
		avoid = a[5].first()
	}
	sets := [4]string{randomDigits, randomSpecial, randomUpper, randomLower}
	var all strings.Builder
	for i := range sets {
		sets[i] = strings.Map(func(r rune) rune {
			if strings.ContainsRune(avoid, r) {
				return -1
			}
			return r
		}, sets[i])
		if sets[i] == "" && n[i+1] > 0 {
			return null, fmt.Errorf("CharactersToAvoid removes every character of a class with a minimum")
		}
		all.WriteString(sets[i])
	}
	if all.Len() == 0 {
		return null, fmt.Errorf("CharactersToAvoid removes every character")
	}
	out := make([]byte, 0, length)
	for i, set := range sets {
		for range n[i+1] {
			c, err := pick(e.rand, set)
			if err != nil {
				return null, err
			}
			out = append(out, c)
		}
	}
	for len(out) < length {
		c, err := pick(e.rand, all.String())
		if err != nil {
			return null, err
		}
		out = append(out, c)
	}
	for i := len(out) - 1; i > 0; i-- {
		j, err := randInt(e.rand, i+1)
		if err != nil {
			return null, err
		}
		out[i], out[j] = out[j], out[i]
	}
	return str(string(out)), nil
}

func pick(r io.Reader, set string) (byte, error) {
	i, err := randInt(r, len(set))
	if err != nil {
		return 0, err
	}
	return set[i], nil
}

func randInt(r io.Reader, n int) (int, error) {
	v, err := rand.Int(r, big.NewInt(int64(n)))
	if err != nil {
		return 0, fmt.Errorf("reading random bytes: %w", err)
	}
	return int(v.Int64()), nil
}
