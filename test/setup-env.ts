// Every test talks to the emulator with fake credentials; nothing may reach a real AWS
// endpoint or the EC2 metadata service.
process.env.AWS_ACCESS_KEY_ID = 'AKIATESTFAKE';
process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-not-real';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
