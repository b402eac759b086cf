package steps

import (
	"slices"
	"strings"
)

// EnvName is the environment variable that gives the answer: for a secret its own, else
// ASSETWIZ_ and the key in capitals, '.' as '_'.
func (q Question) EnvName() string {
	if q.Kind == KindSecret {
		return q.Env
	}
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(q.Key, ".", "_"))
}

// TitleOf is the wizard's question for the answers so far.
func (q Question) TitleOf(a *Answers) string {
	if q.TitleFor != nil {
		return q.TitleFor(a)
	}
	return q.Title
}

// Usage is the question's help with its choices, when they do not depend on other answers.
func (q Question) Usage() string {
	if q.Kind != KindChoice || q.Choices == nil || q.Typed != nil {
		return q.Help
	}
	var values []string
	for _, c := range q.Choices(&Answers{Mode: ModeTemporal}) {
		values = append(values, c.Value)
	}
	if len(values) < 2 {
		return q.Help
	}
	return q.Help + ": " + strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// Offered are the choices the wizard offers for the answers so far: those its check and
// rules allow (the techniques a mode allows come from the technique's rules).
func (q Question) Offered(a *Answers) []Choice {
	if q.Choices == nil {
		return nil
	}
	var out []Choice
	for _, c := range q.Choices(a) {
		if q.Verdict(a, c.Value) == nil {
			out = append(out, c)
		}
	}
	return out
}

// ChoiceValues are the values of the choices offered for the answers so far.
func (q Question) ChoiceValues(a *Answers) []string {
	var out []string
	for _, c := range q.Offered(a) {
		out = append(out, c.Value)
	}
	return out
}

// problems are what the question's check and rules find in the answers, each named by its
// key (an item of a list by key[i]; a secret by its environment variable).
func (q Question) problems(a *Answers) Problems {
	var found Problems
	if q.Check != nil {
		found = q.Check(a)
	}
	for _, r := range q.Rules {
		found = append(found, r.Check(a)...)
	}
	for i := range found {
		if q.Kind == KindSecret {
			found[i].Key, found[i].Message = q.Env+found[i].Key, "(from the environment) "+found[i].Message
		} else {
			found[i].Key = q.Key + found[i].Key
		}
	}
	return found
}

// Verdict is the wizard's check of a value typed or chosen for the question: the answers
// with the value put in as the wizard would put it (Answer, then the defaults), judged by the
// same check and rules Validate runs. nil: the value is taken.
func (q Question) Verdict(a *Answers, raw string) error {
	c := a.clone()
	if err := c.Answer(q.Key, raw, nil); err != nil {
		return Refused{{Key: q.Key, Message: err.Error()}}
	}
	c.Complete()
	found := q.problems(&c)
	if q.Kind == KindSecret {
		for i := range found { // typed into the wizard, not from the environment
			found[i].Key, found[i].Message = q.Key, strings.TrimPrefix(found[i].Message, "(from the environment) ")
		}
	}
	if len(found) == 0 {
		return nil
	}
	return Refused(found)
}

// Taken is the value the answer takes from raw, as Answer and the defaults leave it (a
// website_url without its scheme, a list as its items).
func (q Question) Taken(a *Answers, raw string) string {
	c := a.clone()
	if c.Answer(q.Key, raw, nil) != nil {
		return raw
	}
	c.Complete()
	return c.Get(q.Key)
}

// Refused is why the wizard refuses a value: the problems Validate would list for it.
type Refused Problems

func (r Refused) Error() string {
	lines := make([]string, len(r))
	for i, p := range r {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// clone is a copy of the answers that shares no list with them.
func (a *Answers) clone() Answers {
	c := *a
	c.Directories = slices.Clone(a.Directories)
	c.EFS.SubnetIDs = slices.Clone(a.EFS.SubnetIDs)
	c.EFS.SecurityGroupIDs = slices.Clone(a.EFS.SecurityGroupIDs)
	return c
}
