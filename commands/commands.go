package commands

import "github.com/urfave/cli/v2"

// commandList is the command tree, in the order `slackprov --help` shows it.
func commandList(f *Factory) []*cli.Command {
	return []*cli.Command{
		newInitCmd(f),
		newAuthorizeCmd(f),
		newTestConnectionCmd(f),
		newLogoutCmd(f),
		newSyncCmd(f, nil),
		newMappingsCmd(f, newMappingsEditCmd(f)),
		newApplyCmd(f, nil),
		newLogsCmd(f),
		newRunsCmd(f),
		newStateCmd(f),
		newWatchCmd(f, nil),
		newResumeCmd(f, nil),
		newNotifyCmd(f),
		newDemoCmd(f, nil),
		newEmulatorCmd(f),
		newCompletionCmd(f),
		newManCmd(f),
		newVersionCmd(f),
		newCompleteCmd(f),
	}
}
