package flickr

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestTokensNeverPrintSecrets(t *testing.T) {
	tok := Token{Token: "72157720318042413-abcdef", Secret: "s3cr3t-value"}
	at := AccessToken{Token: tok, UserNSID: "1@N01", Username: "bob"}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "token", tok, "access", at)
	for _, out := range []string{fmt.Sprint(tok), fmt.Sprintf("%+v", at), fmt.Sprintf("%v", []Token{tok}), logged.String()} {
		if strings.Contains(out, tok.Secret) || strings.Contains(out, tok.Token) {
			t.Errorf("printed %q: contains the token or its secret", out)
		}
	}
	if s := fmt.Sprint(at); !strings.Contains(s, "1@N01") {
		t.Errorf("AccessToken prints %q, want the user NSID", s)
	}
}
