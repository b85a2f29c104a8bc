package ical

import (
	"fmt"
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"rebound"
)

// Options are the calendar's fixed parts.
type Options struct {
	ProdID string    // e.g. "-//Rebound//Rebound 0.1//EN"; "" = that default
	Host   string    // the UID domain; "" = "rebound"
	Now    time.Time // DTSTAMP: when the file was written (the caller's clock)
	Name   string    // calendar name shown by clients; "" = "Rebound recovery"
}

// Write writes plans as one VCALENDAR with CRLF line ends and lines folded
// at 75 octets.
func Write(w io.Writer, plans []*rebound.Plan, opt Options) error {
	if opt.Now.IsZero() {
		return rebound.Errorf(rebound.EInvalid, "calendar: no time for DTSTAMP")
	}
	if opt.ProdID == "" {
		opt.ProdID = "-//Rebound//Rebound recovery plans//EN"
	}
	if opt.Host == "" {
		opt.Host = "rebound"
	}
	if opt.Name == "" {
		opt.Name = "Rebound recovery"
	}
	cal := ics.NewCalendarFor("Rebound")
	cal.SetProductId(opt.ProdID)
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetName(opt.Name)
	cal.SetXWRCalName(opt.Name)
	stamp := opt.Now.UTC()
	for _, p := range plans {
		if p == nil {
			continue
		}
		seen := map[string]int{}
		for i := range p.Steps {
			s := &p.Steps[i]
			seen[s.Kind]++
			e := cal.AddEvent(UID(p.ActivityID, s.Kind, seen[s.Kind], opt.Host))
			e.SetDtStampTime(stamp)
			e.SetSequence(p.Revision)
			e.SetStartAt(s.At)
			end := s.End()
			if !end.After(s.At) {
				// RFC 5545 allows a zero-length event, but clients show a
				// 5-minute block more usefully (Rebound's choice).
				end = s.At.Add(5 * time.Minute)
			}
			e.SetEndAt(end)
			e.SetSummary(s.Title)
			e.SetDescription(description(p, s))
			e.AddProperty(ics.ComponentPropertyCategories, "Rebound")
			e.AddProperty(ics.ComponentPropertyCategories, s.Kind)
			e.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT") // a plan step does not make the runner busy
			// VALARM is the last sub-component (Outlook import, ECOSYSTEM.md §6).
			a := e.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			a.SetTrigger("PT0M") // at the start
			a.SetProperty(ics.ComponentPropertyDescription, s.Title)
		}
	}
	if err := cal.SerializeTo(w, ics.WithNewLineWindows); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	return nil
}

// UID is a step's stable identifier: the same activity, kind and ordinal
// give the same UID on every export, so clients update instead of
// duplicating.
func UID(activityID int64, kind string, n int, host string) string {
	return fmt.Sprintf("%d-%s-%d@%s", activityID, kind, n, host)
}

func description(p *rebound.Plan, s *rebound.Step) string {
	var b strings.Builder
	b.WriteString(s.Detail)
	if s.Why != "" {
		b.WriteString("\n\nWhy: " + s.Why)
	}
	if s.Source != "" {
		b.WriteString("\nSource: " + s.Source)
	}
	if p.RedAlert.Active && s.Kind != rebound.StepRedAlert {
		b.WriteString("\n\nRed Alert is on: " + p.RedAlert.ExitRule)
	}
	return b.String()
}
