begin;
alter table public.audit_logs rename column actor_id to profile_id;
alter table public.projects add constraint projects_organization_id_fkey2 foreign key (organization_id) references public.organizations (id) on delete cascade not valid;
alter table public.projects drop constraint projects_organization_id_fkey;
alter table public.projects validate constraint projects_organization_id_fkey2;
commit;
