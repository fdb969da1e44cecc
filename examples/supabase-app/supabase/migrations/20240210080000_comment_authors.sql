alter table public.comments
  add constraint comments_author_id_fkey foreign key (author_id) references public.profiles (id);

create type public.task_priority as enum ('low', 'medium', 'high');
alter table public.tasks add column priority public.task_priority not null default 'medium';
