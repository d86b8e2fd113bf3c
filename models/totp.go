package models

import (
	"net/url"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

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
