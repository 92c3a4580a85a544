package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"baocao/internal/config"
)

// Mailer sends notifications through the configured SMTP server.
type Mailer struct {
	SMTP    config.SMTP // without a Host, e-mails are logged and skipped
	BaseURL *url.URL    // links in e-mails point here
}

// Send e-mails n to the address to (the official's name is toName).
func (m *Mailer) Send(ctx context.Context, toName, to string, n Notification) error {
	from, err := mail.ParseAddress(m.SMTP.From)
	if err != nil {
		return fmt.Errorf("SMTP_FROM %q: %w", m.SMTP.From, err)
	}
	msg := m.message(from, &mail.Address{Name: toName, Address: to}, n)

	c, err := m.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = time.Minute, 2*time.Minute
	if m.SMTP.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", m.SMTP.Username, m.SMTP.Password)); err != nil {
			return fmt.Errorf("SMTP authentication: %w", err)
		}
	}
	if err := c.SendMail(from.Address, []string{to}, bytes.NewReader(msg)); err != nil {
		return fmt.Errorf("send notification %d: %w", n.ID, err)
	}
	return c.Quit()
}

// dial connects with TLS from the start on port 465, in plain text to a
// relay on the same machine, and otherwise upgrades with STARTTLS (which
// the server must offer: passwords and officials' mail never travel in
// clear over the network).
func (m *Mailer) dial(ctx context.Context) (*smtp.Client, error) {
	addr := net.JoinHostPort(m.SMTP.Host, strconv.Itoa(m.SMTP.Port))
	tlsConfig := &tls.Config{ServerName: m.SMTP.Host}
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	if m.SMTP.Port == 465 {
		conn, err := (&tls.Dialer{NetDialer: dialer, Config: tlsConfig}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("connect to SMTP server: %w", err)
		}
		return smtp.NewClient(conn), nil
	}
	conn, err := dialer.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect to SMTP server: %w", err)
	}
	if ip := net.ParseIP(m.SMTP.Host); m.SMTP.Host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return smtp.NewClient(conn), nil
	}
	c, err := smtp.NewClientStartTLS(conn, tlsConfig)
	if err != nil {
		return nil, fmt.Errorf("SMTP STARTTLS: %w", err)
	}
	return c, nil
}

// message is the e-mail: UTF-8 plain text, quoted-printable, with the
// Vietnamese subject encoded as RFC 2047 words.
func (m *Mailer) message(from, to *mail.Address, n Notification) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", n.Title))
	header("Date", time.Now().Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<notification-%d@%s>", n.ID, m.BaseURL.Hostname()))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")

	qp := quotedprintable.NewWriter(&b)
	fmt.Fprintf(qp, "Kính gửi %s,\r\n\r\n%s\r\n", to.Name, n.Body)
	if n.Link != "" {
		fmt.Fprintf(qp, "\r\nXem chi tiết: %s\r\n", m.BaseURL.JoinPath(n.Link))
	}
	fmt.Fprintf(qp, "\r\n-- \r\nHệ thống thông tin báo cáo tỉnh Khánh Hòa (thư tự động, vui lòng không trả lời).\r\n"+
		"Chọn loại thông báo nhận qua thư điện tử tại: %s\r\n", m.BaseURL.JoinPath("/account/notifications"))
	qp.Close()
	return b.Bytes()
}
