package apierr

import "testing"

func TestMeaningOf(t *testing.T) {
	tests := []struct {
		name   string
		status int
		want   StatusMeaning
	}{
		{"rate limit is sure", 429, StatusMeaning{CondRateLimited, true, true}},
		{"404 is not_found; the normalizer decides endpoint_not_found", 404, StatusMeaning{CondNotFound, true, true}},
		{"401 is exact but shared by three auth conditions", 401, StatusMeaning{CondAuthInvalid, true, false}},
		{"402 is exact but an API's own balance code shares it", 402, StatusMeaning{CondQuotaExceeded, true, false}},
		{"409 is only the nearest", 409, StatusMeaning{CondValidationFailed, false, false}},
		{"unknown 4xx", 418, StatusMeaning{CondMalformedBody, false, false}},
		{"unknown 5xx", 599, StatusMeaning{CondInternal, false, false}},
		{"not a status", 1000, StatusMeaning{CondInternal, true, false}},
		{"zero", 0, StatusMeaning{CondInternal, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MeaningOf(tt.status); got != tt.want {
				t.Errorf("MeaningOf(%d) = %+v, want %+v", tt.status, got, tt.want)
			}
		})
	}
}

// A sure status is exact: a client never reports a condition the server's
// own normalizer would render with another status.
func TestMeaningSureImpliesExact(t *testing.T) {
	for status, m := range statusMeanings {
		if m.Sure && !m.Exact {
			t.Errorf("%d: sure but not exact", status)
		}
		if !m.Condition.Valid() {
			t.Errorf("%d: %q is not a condition", status, m.Condition)
		}
	}
}

// MeaningOf answers from its array exactly what the table and the rules for
// other values say, for every int a handler could write and a few beyond.
func TestMeaningOfEveryStatus(t *testing.T) {
	for status := -1; status <= 1000; status++ {
		want, ok := statusMeanings[status]
		switch {
		case ok:
		case status < 100 || status > 599:
			want = StatusMeaning{Condition: CondInternal, Exact: true}
		case status >= 500:
			want = StatusMeaning{Condition: CondInternal}
		default:
			want = StatusMeaning{Condition: CondMalformedBody}
		}
		if got := MeaningOf(status); got != want {
			t.Errorf("MeaningOf(%d) = %+v, want %+v", status, got, want)
		}
	}
}

func BenchmarkMeaningOf(b *testing.B) {
	for b.Loop() {
		for _, s := range [...]int{404, 405, 413, 429, 500, 503, 418} {
			_ = MeaningOf(s)
		}
	}
}
