-- Indexes added after the tables already held data.
create index idx_tasks_project_id on public.tasks (project_id);
create index idx_payments_project_id on public.payments (project_id) where project_id is not null;
create unique index if not exists idx_profiles_username on public.profiles (username);
