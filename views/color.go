package views

// The plan's colours. Whether to use them is decided once, from the IO
// streams (a terminal, NO_COLOR, --no-color), and handed to every view as
// a bool; the live TUI view takes the same decision.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// painter colours text when color is on, and leaves it alone otherwise.
func painter(color bool) func(code, s string) string {
	return func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
}

// Heading is a line that starts a step of a longer story (the demo's).
func Heading(s string, color bool) string { return painter(color)(ansiBold, s) }
