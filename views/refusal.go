package views

import (
	"fmt"

	"github.com/slackprov/slackprov/provision"
)

// Refused words a safety refusal for people and says how to go on: the
// engine names no flags, the view knows the threshold is --max-deactivations
// or the safety.max_deactivations setting.
func Refused(text string, why *provision.Refusal) string {
	if why == nil || why.EmptySource {
		return text
	}
	return text + fmt.Sprintf("; review the plan, then rerun with --max-deactivations %d (or set safety.max_deactivations) if it is right", why.Removals())
}
