// Package ical writes recovery plans as an RFC 5545 calendar: one VEVENT per
// plan step with a stable UID, DTSTAMP, SEQUENCE from the plan's revision,
// times in UTC, and a display alarm at the step's start (ECOSYSTEM.md §6).
//
// Times are UTC ("…Z") so no VTIMEZONE is needed and every client shows them
// in the viewer's zone. Google Calendar and subscribed calendars ignore
// VALARM; the file is a view, reminders that must fire are pushed elsewhere.
package ical
