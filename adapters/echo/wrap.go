package apierrecho

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Wrap turns a net/http middleware (auth.Auth, a limiter's Middleware,
// idempotency.New, middleware.BodyLimit, …) into an echo middleware, for a
// route, a group or the whole router (after the router, where the route is
// known). Unlike echo.WrapMiddleware, the error the rest of the chain
// returns is rendered inside m, so m sees the response it brings about: an
// idempotency key stores the error response for replay, a limiter's headers
// reach it. A middleware that answers by itself (401, 429) ends the chain.
func Wrap(m func(http.Handler) http.Handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			orig := res.Writer
			m(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c.SetRequest(r)
				res.Writer = w
				if err := next(c); err != nil {
					c.Echo().HTTPErrorHandler(err, c)
				}
			})).ServeHTTP(orig, c.Request())
			res.Writer = orig
			return nil
		}
	}
}
