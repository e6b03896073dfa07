package commands

import (
	"bytes"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams carries the three standard streams and what we know about them.
// TTY detection decides colour, prompts and progress output.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	StdinTTY  bool
	StdoutTTY bool
	StderrTTY bool
	NoColor   bool
	// NoPager keeps long output out of the pager (--no-pager).
	NoPager bool
}

// System returns the process's real streams.
func System() *IOStreams {
	tty := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	_, noColor := os.LookupEnv("NO_COLOR")
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdinTTY: tty(os.Stdin), StdoutTTY: tty(os.Stdout), StderrTTY: tty(os.Stderr),
		NoColor: noColor || os.Getenv("TERM") == "dumb",
	}
}

// TestStreams returns streams backed by buffers, none of them a TTY.
func TestStreams() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, NoColor: true}, in, out, errOut
}

// CanPrompt reports whether we may ask the user a question.
func (s *IOStreams) CanPrompt() bool { return s.StdinTTY && s.StdoutTTY }

// ColorEnabled reports whether output to Out may carry ANSI colour.
func (s *IOStreams) ColorEnabled() bool { return s.StdoutTTY && !s.NoColor }
