/** Word lists the generator draws plausible names from. */

export const FIRST_NAMES = [
  'Ada', 'Alan', 'Alice', 'Amara', 'Ana', 'Arjun', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloe', 'Dana', 'David',
  'Elena', 'Emeka', 'Emma', 'Farah', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jamal', 'Jana', 'Jonas',
  'Julia', 'Kai', 'Kenji', 'Lara', 'Leo', 'Lina', 'Luca', 'Maya', 'Mei', 'Mia', 'Nadia', 'Noah', 'Nora', 'Omar',
  'Oscar', 'Priya', 'Rafael', 'Rosa', 'Sam', 'Sara', 'Sofia', 'Tariq', 'Tom', 'Uma', 'Vera', 'Wei', 'Yara', 'Zoe',
] as const;

export const LAST_NAMES = [
  'Abe', 'Adams', 'Ahmed', 'Alvarez', 'Bauer', 'Becker', 'Brown', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia',
  'Gupta', 'Hansen', 'Hoffmann', 'Ito', 'Jensen', 'Kim', 'Kowalski', 'Lee', 'Lopez', 'Martin', 'Meyer', 'Moreau',
  'Nakamura', 'Nguyen', 'Novak', 'Okafor', 'Olsen', 'Patel', 'Perez', 'Petrov', 'Rossi', 'Santos', 'Schmidt',
  'Silva', 'Singh', 'Smith', 'Suzuki', 'Tanaka', 'Torres', 'Vargas', 'Wagner', 'Wang', 'Weber', 'Wilson', 'Yilmaz',
  'Zhang',
] as const;

export const DEPARTMENTS = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'IT', 'Legal', 'Operations', 'Product',
  'Design', 'Security', 'Data', 'Facilities', 'Procurement', 'Research', 'Customer Success', 'Partnerships',
  'Quality', 'Communications',
] as const;

export const JOB_TITLES = [
  'Engineer', 'Senior Engineer', 'Manager', 'Analyst', 'Specialist', 'Director', 'Coordinator', 'Associate',
  'Lead', 'Administrator', 'Consultant', 'Intern',
] as const;

export const LOCATIONS = [
  'Berlin', 'Boulder', 'Denver', 'Dublin', 'Lisbon', 'London', 'Madrid', 'Mumbai', 'New York', 'Paris', 'Sao Paulo',
  'Seoul', 'Singapore', 'Sydney', 'Tokyo', 'Toronto', 'Warsaw', 'Zurich',
] as const;

export const TEAM_WORDS = [
  'Apollo', 'Atlas', 'Aurora', 'Beacon', 'Cedar', 'Comet', 'Delta', 'Ember', 'Falcon', 'Gemini', 'Harbor', 'Helix',
  'Horizon', 'Juniper', 'Kestrel', 'Lumen', 'Maple', 'Meridian', 'Nimbus', 'Nova', 'Orbit', 'Orion', 'Pioneer',
  'Quartz', 'Raven', 'Sequoia', 'Sierra', 'Summit', 'Tundra', 'Vega', 'Willow', 'Zephyr',
] as const;

export const GROUP_KINDS = ['Team', 'Project', 'Guild', 'On-call', 'Leads', 'Contractors', 'Admins', 'Reviewers'] as const;

export const DEVICE_KINDS = ['Laptops', 'Desktops', 'Servers', 'Kiosks', 'Build Agents', 'Lab Machines'] as const;

export const APP_CATALOG = [
  'Slack', 'Zoom', 'Salesforce', 'GitHub', 'Jira', 'Confluence', 'AWS Console', 'Box', 'Dropbox', 'Workday',
  'Zendesk', 'HubSpot', 'DocuSign', 'Asana', 'Notion', 'Figma', 'Miro', 'Datadog', 'PagerDuty', 'Tableau',
  'ServiceNow', 'BambooHR', 'Expensify', 'Greenhouse', 'Looker', 'Snowflake', 'GitLab', 'Sentry', 'Trello',
  'Airtable', '1Password', 'Lucidchart', 'Gong', 'Intercom', 'Okta Workflows', 'Coupa', 'NetSuite', 'Gusto',
] as const;

export const COMMAND_NAMES = [
  'Update packages', 'Rotate logs', 'Collect diagnostics', 'Install agent update', 'Restart service',
  'Clear temp files', 'Enable firewall', 'Inventory software', 'Check disk usage', 'Sync time',
  'Install Homebrew', 'Reset print spooler', 'Flush DNS cache', 'Renew certificates', 'Run backup',
] as const;

export const POLICY_TEMPLATES = [
  { name: 'disable_usb_storage', displayName: 'Disable USB Storage', os: 'windows' },
  { name: 'screen_lock', displayName: 'Lock Screen', os: 'darwin' },
  { name: 'filevault', displayName: 'FileVault 2', os: 'darwin' },
  { name: 'bitlocker', displayName: 'BitLocker Full Disk Encryption', os: 'windows' },
  { name: 'password_complexity', displayName: 'Password Complexity', os: 'windows' },
  { name: 'firewall', displayName: 'Application Firewall', os: 'darwin' },
  { name: 'auto_updates', displayName: 'Automatic OS Updates', os: 'linux' },
  { name: 'gatekeeper', displayName: 'Gatekeeper', os: 'darwin' },
  { name: 'ssh_root_login', displayName: 'Disable SSH Root Login', os: 'linux' },
  { name: 'guest_account', displayName: 'Disable Guest Account', os: 'universal' },
] as const;

export const SOFTWARE_CATALOG = [
  'Google Chrome', 'Mozilla Firefox', 'Microsoft Office', 'Visual Studio Code', 'Zoom Client', 'Slack Desktop',
  '7-Zip', 'VLC', 'Docker Desktop', 'Python', 'Git', 'Adobe Acrobat Reader', 'Notepad++', 'iTerm2', 'Postman',
] as const;

export const RULE_EVENTS = [
  'policy_result', 'command_result', 'software_status_update', 'user_create', 'user_admin_granted', 'device_inactive',
] as const;
