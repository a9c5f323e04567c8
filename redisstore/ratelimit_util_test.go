package redisstore_test

import (
	"errors"

	"github.com/apierr/apierr"
)

func asErr(err error, target **apierr.Error) bool { return errors.As(err, target) }
