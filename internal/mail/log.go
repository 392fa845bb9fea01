package mail

import (
	"context"
	"log/slog"
)

// LogSender is the Sender used when no SMTP server is configured (--smtp
// empty). Instead of delivering a message it writes it to the log at WARN
// level, with a note that no SMTP server is configured: from, to, subject
// and the complete body. Messages are never silently dropped.
//
// SECURITY: for batch-import credentials mails the body contains the
// user's generated password in clear text, so the password ends up in the
// log and is readable by anyone who can read the log. This is the explicit,
// documented fallback the operators asked for (the administrator reads the
// password from the log and hands it over); configure --smtp to avoid it.
// The record is only visible if the logger's level admits WARN.
//
// The zero value logs to slog.Default(). Send always returns nil.
type LogSender struct {
	Logger *slog.Logger
}

// LogMessage is the message text of the records LogSender writes.
const LogMessage = "mail: no SMTP server configured (--smtp), e-mail written to the log instead of being sent; the body may contain a password"

// Send writes m to the log; see LogSender.
func (s LogSender) Send(ctx context.Context, m Message) error {
	l := s.Logger
	if l == nil {
		l = slog.Default()
	}
	to := m.To
	if to == nil {
		to = []string{}
	}
	l.LogAttrs(ctx, slog.LevelWarn, LogMessage,
		slog.String("from", m.From),
		slog.Any("to", to),
		slog.String("subject", m.Subject),
		slog.String("body", m.Body),
	)
	return nil
}

// NewSender returns the Sender for the --smtp setting: a LogSender writing
// to logger when rawURL is empty, else an *SMTPSender (see NewSMTP).
func NewSender(rawURL string, logger *slog.Logger, opts ...Option) (Sender, error) {
	if rawURL == "" {
		return LogSender{Logger: logger}, nil
	}
	s, err := NewSMTP(rawURL, opts...)
	if err != nil {
		return nil, err
	}
	return s, nil
}
