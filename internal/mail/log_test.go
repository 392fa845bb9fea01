package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestLogSender(t *testing.T) {
	var buf bytes.Buffer
	s := LogSender{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	m := Message{
		From:    "webmaster@localhost",
		To:      []string{"alice@example.net", "bob@example.net"},
		Subject: "Credentials für Alice",
		Body:    FormatCredentials(DefaultCredentialsBody, "alice", "Xy7=pw"),
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Level, Msg, From, Subject, Body string
		To                              []string
	}
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	if rec.Level != "WARN" || rec.Msg != LogMessage || !strings.Contains(rec.Msg, "no SMTP server configured") {
		t.Errorf("level/msg = %q %q", rec.Level, rec.Msg)
	}
	if rec.From != m.From || rec.Subject != m.Subject || rec.Body != "username: alice, password: Xy7=pw" ||
		len(rec.To) != 2 || rec.To[0] != "alice@example.net" || rec.To[1] != "bob@example.net" {
		t.Errorf("record = %+v", rec)
	}

	// Text handler: the recipient and subject are in the line.
	buf.Reset()
	s = LogSender{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"level=WARN", "alice@example.net", `subject="Credentials für Alice"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log line %q lacks %q", buf.String(), want)
		}
	}
}

func TestLogSenderDefaultLogger(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(old)
	if err := (LogSender{}).Send(context.Background(), Message{To: []string{"x@example.net"}, Subject: "S"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "x@example.net") {
		t.Errorf("default logger not used: %q", buf.String())
	}
}

func TestNewSender(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, nil))
	s, err := NewSender("", l)
	if err != nil {
		t.Fatal(err)
	}
	if ls, ok := s.(LogSender); !ok || ls.Logger != l {
		t.Errorf("NewSender(\"\") = %T", s)
	}
	s, err = NewSender("smtps://u:p@mail.example.org", l)
	if err != nil {
		t.Fatal(err)
	}
	if ss, ok := s.(*SMTPSender); !ok || ss.String() != "smtps://u:xxxxx@mail.example.org" {
		t.Errorf("NewSender(smtps) = %T %v", s, s)
	}
	if _, err := NewSender("ftp://x", l); err == nil {
		t.Error("NewSender accepted ftp://")
	}
}
