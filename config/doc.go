// Package config owns photorec's settings: one defaults table (keys.go), loading through a viper
// instance (file, PHOTOREC_* environment variables, *_FILE secrets), the typed Config, Validate
// and Redacted. It is a leaf.
//
// Must not import: ./...
package config
