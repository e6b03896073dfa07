package views

import (
	"fmt"

	"github.com/slackprov/slackprov/provision"
)

// Summary is one line for people: what the plan did or would do.
func Summary(p *provision.Plan) string {
	done := !p.DryRun
	verb := func(future, past string) string {
		if done {
			return past
		}
		return "to " + future
	}
	users := fmt.Sprintf("%d %s, %d %s, %d %s, %d %s",
		p.Users.Create, verb("create", "created"), p.Users.Update, verb("update", "updated"),
		p.Users.Reactivate, verb("reactivate", "reactivated"), p.Users.Deactivate, verb("deactivate", "deactivated"))
	groups := fmt.Sprintf("%d %s, %d %s, %d %s",
		p.Groups.Create, verb("create", "created"), p.Groups.Update, verb("update", "updated"), p.Groups.Delete, verb("delete", "deleted"))
	head := "Plan"
	if done {
		head = "Applied"
	}
	s := fmt.Sprintf("%s: users: %s, %d unchanged, %d failed; groups: %s, %d unchanged, %d failed.",
		head, users, p.Users.Unchanged, p.Users.Failed, groups, p.Groups.Unchanged, p.Groups.Failed)
	if n := len(p.Links); n > 0 {
		tense := "will be"
		if done {
			tense = "were"
		}
		s += fmt.Sprintf(" %d existing Slack objects matched to directory objects %s linked.", n, tense)
	}
	if n := p.Users.NotRun + p.Groups.NotRun; n > 0 {
		s += fmt.Sprintf(" %d operations were not started or had nothing to send; the next sync does them.", n)
	}
	return s
}
