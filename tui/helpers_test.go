package tui

import (
	"reflect"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// run runs a command and feeds what it returns back into the model, as the program would
// (batches and sequences opened; ticks and anything slow left out).
func run(m tea.Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(200 * time.Millisecond):
		return // a tick or a blocking wait: not part of a step
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			run(m, c)
		}
	case tea.QuitMsg:
	default:
		if isSequence(msg) {
			for _, c := range sequenceCmds(msg) {
				run(m, c)
			}
			return
		}
		_, next := m.Update(msg)
		run(m, next)
	}
}

func send(m tea.Model, msgs ...tea.Msg) {
	for _, msg := range msgs {
		_, cmd := m.Update(msg)
		run(m, cmd)
	}
}

func isSequence(msg tea.Msg) bool {
	v := reflect.ValueOf(msg)
	return v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf((tea.Cmd)(nil))
}

func sequenceCmds(msg tea.Msg) []tea.Cmd {
	v := reflect.ValueOf(msg)
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i], _ = v.Index(i).Interface().(tea.Cmd)
	}
	return out
}
