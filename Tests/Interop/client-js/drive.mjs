// Drives Kisi's own JS client (kisi-inc/client-js) against `kisictl sandbox serve`: every call
// the client makes (sign up, sign in and out, get, post, put, delete), its pagination and its
// error handling. Usage: node drive.mjs CLIENT_INDEX_JS BASE_URL EMAIL PASSWORD
// Prints "ok <step>" per step; exits 1 at the first step that does not behave as on Kisi.
const [clientPath, baseURL, email, password] = process.argv.slice(2);
const { default: Kisi } = await import(clientPath);
const kisi = new Kisi({ baseURL });

function check(step, condition, detail) {
  if (!condition) {
    console.log(`FAILED ${step}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok ${step}`);
}

async function failure(call) {
  try {
    await call();
    return null;
  } catch (error) {
    return error;
  }
}

const signUp = await failure(() => kisi.signUp('new.person@example.com', 'secret'));
check('sign up needs a key (401)', signUp?.status === 401 && signUp?.code === '000000', signUp);

const login = await kisi.signIn({ email, password });
check('sign in', typeof login.secret === 'string' && kisi.authorization === `KISI-LOGIN ${login.secret}`, login);

const places = await kisi.get('/places');
check('get a list: pagination from X-Collection-Range', places.pagination.count >= 1 && places.data[0].resourceType === 'Place', places.pagination);

const byName = await kisi.get('/users', { query: 'Client JS' });
check('query with a space (sent as Client+JS)', byName.pagination.count === 1 && byName.data[0].email === 'client@example.org', byName);

const byEmail = await kisi.get('/users', { email: 'pia+gym@example.org' });
check('email filter with a plus (sent as %2B)', byEmail.data.length === 1 && byEmail.data[0].email === 'pia+gym@example.org', byEmail);

const none = await kisi.get('/groups', { query: 'no such group' });
check('an empty list is */0', none.pagination.count === 0 && none.pagination.limit === 0 && none.data.length === 0, none);

const paged = await kisi.get('/groups', { limit: 1, offset: 1 });
check('limit and offset', paged.pagination.offset === 1 && paged.pagination.limit === 1 && paged.data.length === 1, paged.pagination);

const group = await kisi.post('/groups', { group: { name: 'Client JS group', description: 'made by client-js', placeId: null } });
check('post (camelCase sent as snake_case)', typeof group.id === 'number' && group.placeId === null && group.usersCount === 0, group);

const fetched = await kisi.get(`/groups/${group.id}`);
check('get one object', fetched.name === 'Client JS group' && fetched.description === 'made by client-js', fetched);

const user = byName.data[0];
const role = await kisi.post('/role_assignments', {
  roleAssignment: { appliesToType: 'Group', appliesToId: group.id, assigneeType: 'User', assigneeId: user.id, roleId: 'group_basic', notify: false }
});
check('post a role assignment', role.assigneeId === user.id && role.appliesTo.name === 'Client JS group', role);

const invalid = await failure(() => kisi.post('/role_assignments', { roleAssignment: { appliesToType: 'Group' } }));
check('422: reason is the errors object', invalid?.status === 422 && typeof invalid.reason === 'object', invalid);

const renamed = await kisi.put('/login', { login: { name: 'client-js' } });
check('put (204, no body)', renamed === null, renamed);

const deleted = await kisi.delete(`/groups/${group.id}`);
check('delete (204, no body)', deleted === null, deleted);

const gone = await failure(() => kisi.get(`/groups/${group.id}`));
check('404: status, code and reason', gone?.status === 404 && /^[0-9a-f]{6}$/.test(gone.code) && typeof gone.reason === 'string', gone);

const out = await kisi.signOut();
check('sign out', out === null && kisi.authorization === null, out);

kisi.setLoginSecret(login.secret);
const afterSignOut = await failure(() => kisi.get('/places'));
check('the signed-out secret is refused (401)', afterSignOut?.status === 401, afterSignOut);
