//go:build ignore

// dryrun-data writes the inputs of bench/dryrun.sh: a directory file of n
// users and a Slack emulator seed holding the same users, 1% of them with a
// changed title, in the shape of commands.BenchmarkSyncDryRun100k.
//
//	go run bench/dryrun-data.go -users 1000000 -dir /tmp/x
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	n := flag.Int("users", 100_000, "number of users")
	dir := flag.String("dir", ".", "output directory")
	flag.Parse()
	people := create(filepath.Join(*dir, "people.json"))
	seed := create(filepath.Join(*dir, "slack-seed.json"))
	fmt.Fprint(people, `{"users": [`)
	fmt.Fprint(seed, `{"users": [`)
	for i := range *n {
		sep := ",\n"
		if i == 0 {
			sep = "\n"
		}
		id, mail := fmt.Sprintf("id-%07d", i), fmt.Sprintf("user.%07d@example.com", i)
		surname, display, empID := fmt.Sprintf("N%07d", i), fmt.Sprintf("User %07d", i), fmt.Sprint(1_000_000+i)
		title := "Engineer"
		if i%100 == 0 {
			title = "Former title"
		}
		writeJSON(people, sep, map[string]any{"id": id, "userPrincipalName": mail, "mail": mail, "givenName": "User",
			"surname": surname, "displayName": display, "jobTitle": "Engineer", "department": "Sales",
			"employeeId": empID, "accountEnabled": true})
		writeJSON(seed, sep, map[string]any{"userName": fmt.Sprintf("user.%07d", i), "email": mail, "givenName": "User",
			"familyName": surname, "displayName": display, "title": title, "externalId": id, "department": "Sales",
			"employeeNumber": empID})
	}
	for _, w := range []*bufio.Writer{people, seed} {
		fmt.Fprint(w, "\n]}\n")
		if err := w.Flush(); err != nil {
			log.Fatal(err)
		}
	}
}

func create(path string) *bufio.Writer {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	return bufio.NewWriterSize(f, 1<<20)
}

func writeJSON(w *bufio.Writer, sep string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		log.Fatal(err)
	}
	w.WriteString(sep)
	w.Write(b)
}
