create index concurrently if not exists comments_task_id_idx on public.comments (task_id);
