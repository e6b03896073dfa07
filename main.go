package main

import (
	"os"

	"github.com/slackprov/slackprov/commands"
)

func main() { os.Exit(commands.Main()) }
