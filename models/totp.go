package models

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpStep finds the time step (within the allowed skew) whose code is code.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 || secret == "" {
		return 0, false
	}
	period := int64(totpOpts.Period)
	for k := -int64(totpOpts.Skew); k <= int64(totpOpts.Skew); k++ {
		t := now.Add(time.Duration(k*period) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / period, true
		}
	}
	return 0, false
}

// NewTOTPKey makes a fresh secret for email; the URL is what authenticator apps scan.
func NewTOTPKey(email string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Nextstep", AccountName: email})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// TOTPURL is the otpauth:// address an authenticator app reads for secret.
func TOTPURL(email, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", "Nextstep")
	return "otpauth://totp/" + url.PathEscape("Nextstep:"+email) + "?" + v.Encode()
}

// TOTPQRCode is a PNG data URL of the QR code for an otpauth:// address, for
// phones to scan instead of typing the key.
func TOTPQRCode(otpauthURL string) (string, error) {
	key, err := otp.NewKeyFromURL(otpauthURL)
	if err != nil {
		return "", err
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}
