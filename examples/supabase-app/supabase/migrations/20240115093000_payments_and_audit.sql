create table public.audit_logs (
  id bigint generated always as identity primary key,
  actor_id uuid references public.profiles (id),
  action text not null,
  payload text,
  created_at timestamptz not null default now()
);

comment on column public.audit_logs.payload is 'JSON document describing the change';

create table public.payments (
  id uuid primary key default gen_random_uuid(),
  profile_id uuid not null references public.profiles (id),
  project_id uuid references public.projects (id) on delete set null,
  amount double precision not null,
  fee real,
  currency text not null default 'USD',
  created_at timestamptz not null default now()
);

create table public.payments_backup (
  id uuid,
  profile_id uuid,
  amount double precision,
  created_at timestamptz
);

comment on column public.tasks.status is 'One of: todo, doing, done';
