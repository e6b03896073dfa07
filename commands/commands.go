package commands

import "github.com/urfave/cli/v2"

// commandList is the command tree, in the order `slackprov --help` shows it.
func commandList(f *Factory) []*cli.Command {
	return []*cli.Command{
		newInitCmd(f, nil),
		newAuthorizeCmd(f, nil),
		newTestConnectionCmd(f, nil),
		newLogoutCmd(f, nil),
		newSyncCmd(f, nil),
		newMappingsCmd(f, newMappingsEditCmd(f, nil)),
		newApplyCmd(f, nil),
		newLogsCmd(f, nil),
		newRunsCmd(f, nil),
		newStatusCmd(f, nil),
		newReportCmd(f, nil),
		newProvisionCmd(f, nil),
		newStateCmd(f, nil),
		newWatchCmd(f, nil),
		newResumeCmd(f, nil),
		newNotifyCmd(f),
		newDemoCmd(f, nil),
		newEmulatorCmd(f, nil),
		newCompletionCmd(f, nil),
		newManCmd(f, nil),
		newVersionCmd(f, nil),
		newCompleteCmd(f, nil),
	}
}
