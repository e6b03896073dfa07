package auth

import (
	"html/template"
	"net/http"
)

// resultPage is what the browser shows after the redirect back to slackprov.
var resultPage = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>slackprov: {{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#1d1c1d}
h1{font-size:1.4em}.ok{color:#007a5a}.fail{color:#e01e5a}
</style></head>
<body><h1 id="result" class="{{if .OK}}ok{{else}}fail{{end}}">{{.Title}}</h1>
<p id="detail">{{.Detail}}</p>
<p>You can close this tab and return to the terminal.</p>
</body></html>
`))

func writeResultPage(w http.ResponseWriter, status int, ok bool, title, detail string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = resultPage.Execute(w, struct {
		OK            bool
		Title, Detail string
	}{ok, title, detail})
}
