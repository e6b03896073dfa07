package mapping

import "fmt"

// Limits that keep one expression's cost bounded whatever it says, so a
// mapping (or a fuzzer) can't make a sync run out of memory or time. No
// Slack attribute takes more than a few hundred characters, so these are
// far above anything a working mapping produces.
const (
	// MaxExpressionDepth is how deeply function calls may nest.
	MaxExpressionDepth = 64
	// MaxValueBytes is the largest value a function may return, in bytes;
	// a list counts the bytes of all its values.
	MaxValueBytes = 16 << 10
	// MaxListValues is the most values a function may return as a list.
	MaxListValues = 1024
)

// errTooLarge is the failure for a result over MaxValueBytes.
func errTooLarge(n int) error {
	return fmt.Errorf("the result would be %d bytes; expressions may produce at most %d", n, MaxValueBytes)
}

// checkSize fails a value over the limits.
func checkSize(v value) error {
	switch v.kind {
	case kindString:
		if len(v.s) > MaxValueBytes {
			return errTooLarge(len(v.s))
		}
	case kindList:
		if len(v.l) > MaxListValues {
			return fmt.Errorf("the result has %d values; expressions may produce at most %d", len(v.l), MaxListValues)
		}
		n := 0
		for _, s := range v.l {
			n += len(s)
		}
		if n > MaxValueBytes {
			return errTooLarge(n)
		}
	}
	return nil
}

// checkGrowth fails before building a result of n bytes, for functions
// whose output can be many times their input (Replace, Join).
func checkGrowth(n int) error {
	if n > MaxValueBytes || n < 0 {
		return errTooLarge(n)
	}
	return nil
}
