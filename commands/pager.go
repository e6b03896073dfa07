package commands

import (
	"io"
	"os/exec"
	"strings"
)

// EnvPager names the pager for long output on a terminal (default
// `less -FRX` when less is installed); "cat" turns paging off.
const EnvPager = "SLACKPROV_PAGER"

// startPager returns where long output should go: a pager's input when
// stdout is a terminal and paging is not turned off, stdout otherwise.
// done waits for the pager to exit.
func (s *IOStreams) startPager(getenv func(string) string) (w io.Writer, done func()) {
	if !s.StdoutTTY || s.NoPager {
		return s.Out, func() {}
	}
	command := strings.TrimSpace(getenv(EnvPager))
	if command == "" {
		if _, err := exec.LookPath("less"); err != nil {
			return s.Out, func() {}
		}
		command = "less -FRX"
	}
	args := strings.Fields(command)
	if len(args) == 0 || args[0] == "cat" {
		return s.Out, func() {}
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = s.Out, s.ErrOut
	in, err := cmd.StdinPipe()
	if err != nil {
		return s.Out, func() {}
	}
	if err := cmd.Start(); err != nil {
		return s.Out, func() {}
	}
	return in, func() {
		in.Close()
		_ = cmd.Wait()
	}
}

// TerminalWidth is stdout's width in columns, or 0 when it is not a terminal.
func (s *IOStreams) TerminalWidth() int { return writerWidth(s.Out) }
