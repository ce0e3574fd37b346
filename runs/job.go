package runs

import "strings"

// Job ids: a user's own pull, a person's favorites (a neighbor or a contact), a person's
// photostream. A job id names one pull of one person, shared by every run that needs it.
const (
	userJobPrefix     = "user:"
	neighborJobPrefix = "neighbor:"
	photosJobPrefix   = "photos:"
)

// UserJob is the job of nsid's own pull (favorites and contacts, then the fan-out).
func UserJob(nsid string) string { return userJobPrefix + nsid }

// NeighborJob is the job of a pull of nsid's favorites for someone else's run.
func NeighborJob(nsid string) string { return neighborJobPrefix + nsid }

// PhotosJob is the job of a pull of nsid's photostream.
func PhotosJob(nsid string) string { return photosJobPrefix + nsid }

// JobKind says which pull a job id names.
type JobKind int

// Job kinds; JobUnknown for an id no constructor above made.
const (
	JobUnknown JobKind = iota
	JobUser
	JobNeighbor
	JobPhotos
)

// ParseJob splits a job id into its kind and the person it pulls.
func ParseJob(job string) (JobKind, string) {
	for _, k := range []struct {
		prefix string
		kind   JobKind
	}{{userJobPrefix, JobUser}, {neighborJobPrefix, JobNeighbor}, {photosJobPrefix, JobPhotos}} {
		if nsid, ok := strings.CutPrefix(job, k.prefix); ok {
			return k.kind, nsid
		}
	}
	return JobUnknown, ""
}

// Freshens reports the jobs whose data stays fresh for a while once pulled, for anyone: a
// person's favorites and their photostream (a user's own pull is planned from the graph).
func Freshens(job string) bool {
	k, _ := ParseJob(job)
	return k == JobNeighbor || k == JobPhotos
}
