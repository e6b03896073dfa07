// Package e2e holds the engine's end-to-end tests: provision against the
// Slack emulator over HTTP, on both SCIM dialects, with its rate limits and
// faults. The engine's own tests (provision/) run on in-memory fakes; these
// prove the same engine works through the real client and wire.
package e2e
