-- Look members up by email.
create index members_email_idx on public.members (email);
